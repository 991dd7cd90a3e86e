/**
 * Spec §7.9: a device never sends 4404 or 4409 (reserved for a relay) nor 4500 (a bug). The
 * harness sends inputs that a device may find hard to parse, validate or answer — JSON-RPC
 * requests nested deeper than a recursive encoder copes with, a long id, members and methods
 * named after prototype properties, a response object, and message 1 payloads of the same kinds —
 * and fails when any session ends with a reserved code. The device may answer each input or close
 * with any other code; the cases of §7.4 - §7.6 judge which.
 */
import { utf8Encode } from '../../../protocol/encoding.ts'
import { CLOSES, METHODS, PROTOCOL_VERSION, SIZES } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { buildMessage1, openSession, type NoiseSession } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { freshSocket } from './support.ts'

const RESERVED = [CLOSES.deviceNotConnected, CLOSES.deviceReplaced, CLOSES.internalError]
/** Deep enough to overflow a recursive JSON encoder, if the device's max_frame lets it through. */
const MAX_DEPTH = 10_000
/** Bytes of a request around its nested params, and the AEAD tag. */
const ENVELOPE = 100

type Outcome =
  | { readonly answered: true }
  | { readonly closed: number; readonly reason: string }
  | 'silent'

function request(params: string, id: string | number = 1): string {
  const method = JSON.stringify(METHODS.echo)
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${method},"params":${params}}`
}

/** The nesting depth that fits `bytesPerLevel` bytes a level into the device's max_frame. */
function depthFor(ctx: CaseContext, bytesPerLevel: number): number {
  const room = limitOf(ctx.target, 'max_frame') - ENVELOPE
  return Math.min(MAX_DEPTH, Math.floor(room / bytesPerLevel))
}

const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

/** Valid JSON that is costly or unusual to handle, sized to fit the device's max_frame. */
function hardPlaintexts(ctx: CaseContext): [string, Uint8Array][] {
  const arrays = depthFor(ctx, 2)
  const objects = depthFor(ctx, 6)
  const nestedObjects = '{"a":'.repeat(objects - 1) + '{}' + '}'.repeat(objects - 1)
  const longId = 'x'.repeat(2 * arrays)
  return [
    [`params nested ${arrays} arrays deep`, utf8Encode(request(nestedArrays(arrays)))],
    [`params nested ${objects} objects deep`, utf8Encode(request(nestedObjects))],
    ['a string id of the same size', utf8Encode(request('[]', longId))],
    ['params __proto__ and constructor', utf8Encode(request('{"__proto__":{},"constructor":{}}'))],
    ['method __proto__', utf8Encode('{"jsonrpc":"2.0","id":1,"method":"__proto__","params":[]}')],
    ['method constructor', utf8Encode('{"jsonrpc":"2.0","id":1,"method":"constructor"}')],
    ['a response object', utf8Encode('{"jsonrpc":"2.0","id":1,"result":{"__proto__":null}}')],
    ['numbers beyond double range', utf8Encode(request('[1e400,-1e400,12345678901234567890123]'))],
  ]
}

/** The next answer (a response or an error), the close, or nothing within the step timeout. */
async function outcomeOf(session: NoiseSession): Promise<Outcome> {
  for (;;) {
    const received = await session.receive()
    if (received.kind === 'timeout') return 'silent'
    if (received.kind === 'close') {
      return { closed: received.close.code, reason: received.close.reason }
    }
    const value = received.value as Record<string, unknown> | null
    if (typeof value === 'object' && value !== null && 'id' in value) return { answered: true }
  }
}

type Outcomes = [step: string, outcome: Outcome][]

async function transportOutcomes(ctx: CaseContext, client: PairedClient): Promise<Outcomes> {
  const outcomes: Outcomes = []
  let session: NoiseSession | undefined
  for (const [step, plaintext] of hardPlaintexts(ctx)) {
    session ??= await openSession(ctx, client)
    await session.send(plaintext)
    const outcome = await outcomeOf(session)
    ctx.record({ step, sent: `${plaintext.length}-byte plaintext`, actual: outcome })
    outcomes.push([step, outcome])
    if (outcome !== 'silent' && 'closed' in outcome) session = undefined
  }
  return outcomes
}

async function handshakeOutcomes(ctx: CaseContext, client: PairedClient): Promise<Outcomes> {
  const head = `{"v":${PROTOCOL_VERSION},"max_frame":${SIZES.noiseMaxMessage}`
  const payloads: [string, string][] = [
    ['message 1 payload nested deeply', `${head},"x":${nestedArrays(depthFor(ctx, 2))}}`],
    ['message 1 payload with __proto__', `${head},"__proto__":{"v":2}}`],
    ['message 1 payload with max_frame 1e400', `{"v":${PROTOCOL_VERSION},"max_frame":1e400}`],
  ]
  const outcomes: Outcomes = []
  for (const [step, payload] of payloads) {
    const socket = await freshSocket(ctx, client)
    await socket.send(buildMessage1(client, { payload: utf8Encode(payload) }).message)
    const event = await socket.next(ctx.timeoutMs)
    const outcome: Outcome = event.kind === 'close'
      ? { closed: event.close.code, reason: event.close.reason }
      : event.kind === 'frame' ? { answered: true } : 'silent'
    ctx.record({ step, actual: outcome })
    outcomes.push([step, outcome])
    socket.terminate()
  }
  return outcomes
}

export const reservedCodes: CaseDefinition = {
  id: '7.9-reserved-codes',
  level: 'MUST',
  requirement: 'pw-sess-7.9-reserved-codes',
  title: `hard inputs never get close ${RESERVED.map((c) => c.code).join(', ')}`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const outcomes = await transportOutcomes(ctx, client)
    outcomes.push(...await handshakeOutcomes(ctx, client))
    const reserved = outcomes.filter(([, o]) => o !== 'silent' && 'closed' in o &&
      RESERVED.some((c) => c.code === o.closed))
    if (reserved.length === 0) return PASS
    const codes = RESERVED.map((c) => `${c.code} ${c.name}`).join(', ')
    const steps = reserved.map(([step]) => step).join('; ')
    const message = `the device closed with a reserved code (§7.9): ${steps}`
    return fail(message, `no close with ${codes}`, Object.fromEntries(reserved))
  },
}
