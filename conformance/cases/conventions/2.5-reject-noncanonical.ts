/**
 * Spec §2.5 {#pw-conv-2.5-reject-noncanonical}: base64url values with padding, a character
 * outside the alphabet, non-zero unused bits or the wrong decoded length are rejected with 400
 * malformed-request. Each probe breaks exactly one value of an otherwise valid body, and every
 * fixed-length binary member of a request body is broken each way: client_key and pA of
 * pair/start, pairing_id and cA of pair/finish (one byte short, one long, far short included).
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes, type Probe } from '../probes.ts'
import { validPairFinish, validPairStart, type JsonObject } from '../samples.ts'

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The same value with its last character's lowest unused bit set (a 32- or 16-byte value). */
export function withUnusedBits(text: string): string {
  const last = B64URL.indexOf(text.at(-1)!)
  return text.slice(0, -1) + B64URL[last | 1]
}

/** Spellings of `text` that a lax decoder accepts, or that decode to another length. */
export function noncanonical(text: string): [string, string][] {
  return [
    ['with "=" padding', `${text}=`],
    ['with "+" for "-" (base64, not base64url)', `+${text.slice(1)}`],
    ['with non-zero unused bits', withUnusedBits(text)],
    ['one character short', text.slice(0, -1)],
    ['with one more byte', `${text}AA`],
    ['far short (its first 3 bytes)', text.slice(0, 4)],
  ]
}

function broken(path: string, body: JsonObject, member: string, label: string): Probe[] {
  return noncanonical(body[member] as string).map(([what, value]) =>
    probe(
      `${label} ${member} ${what}`,
      { method: 'POST', path, body: { ...body, [member]: value } },
      PROBLEMS.malformedRequest,
    ),
  )
}

export const rejectNoncanonical: CaseDefinition = {
  id: '2.5-reject-noncanonical',
  level: 'MUST',
  requirement: 'pw-conv-2.5-reject-noncanonical',
  title: 'non-canonical base64url values get 400 malformed-request',
  async run(ctx) {
    return runProbes(ctx, [
      ...broken(PATHS.pairStart, validPairStart(ctx), 'client_key', 'pair/start'),
      ...broken(PATHS.pairStart, validPairStart(ctx), 'pA', 'pair/start'),
      ...broken(PATHS.pairFinish, validPairFinish(), 'pairing_id', 'pair/finish'),
      ...broken(PATHS.pairFinish, validPairFinish(), 'cA', 'pair/finish'),
    ])
  },
}
