/**
 * Spec §5.7 step 2: a pA that is 65 bytes but not an uncompressed P-256 point on the curve gets
 * 400 invalid-share, never a 500. The share is checked before the window (step 3), so no PIN is
 * needed: the answer is the same whether a window is open or not.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { concatBytes, hexDecode } from '../../../protocol/encoding.ts'
import { fieldPrime, P } from '../../../protocol/spake2/constants.ts'
import { expectProblem } from '../../drivers/http.ts'
import { newClientKeys, pairStart, pairStartBody } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

// The P-256 field prime p as a 32-byte big-endian coordinate: the smallest one out of range.
const FIELD_PRIME = hexDecode(fieldPrime.toString(16).padStart(64, '0'))
const G = P.toBytes(false)
const X = G.subarray(1, 33)
const Y = G.subarray(33)

function plusOne(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = (out[i]! + 1) & 0xff
    if (out[i] !== 0) break
  }
  return out
}

/** Every way 65 bytes can fail to be a share, by name. */
export const INVALID_SHARES: readonly (readonly [string, Uint8Array])[] = [
  ['prefix 02 (compressed) on 65 bytes', concatBytes(Uint8Array.of(0x02), X, Y)],
  ['prefix 03', concatBytes(Uint8Array.of(0x03), X, Y)],
  ['prefix 00 (identity encoding)', new Uint8Array(65)],
  ['prefix 06 (hybrid)', concatBytes(Uint8Array.of(0x06), X, Y)],
  ['04 and all-zero coordinates', concatBytes(Uint8Array.of(0x04), new Uint8Array(64))],
  ['x equal to the field prime', concatBytes(Uint8Array.of(0x04), FIELD_PRIME, Y)],
  ['y equal to the field prime', concatBytes(Uint8Array.of(0x04), X, FIELD_PRIME)],
  ['coordinates all ff', concatBytes(Uint8Array.of(0x04), new Uint8Array(64).fill(0xff))],
  ['the generator with y + 1 (not on the curve)', concatBytes(Uint8Array.of(0x04), X, plusOne(Y))],
]

export const invalidShare: CaseDefinition = {
  id: '5.7-invalid-share',
  level: 'MUST',
  requirement: 'pw-pair-5.7-invalid-share',
  title: 'every kind of invalid pA gets 400 invalid-share, never 500',
  profiles: ['pairing'],
  async run(ctx) {
    const keys = newClientKeys()
    const failures: Record<string, unknown> = {}
    for (const [name, share] of INVALID_SHARES) {
      const res = await pairStart(ctx, pairStartBody(keys, share), `pair/start, pA: ${name}`)
      const problem = expectProblem(res, PROBLEMS.invalidShare)
      if (problem !== null) failures[name] = problem.actual
    }
    if (Object.keys(failures).length > 0) {
      failCase('invalid shares must get 400 invalid-share (§5.7)', { status: 400, problem: 'invalid-share' }, failures)
    }
    return PASS
  },
}
