/**
 * Helpers shared by the §7.10 cases (packed plaintexts): a session whose message 1 offers
 * json_seq, the packed plaintexts the harness sends (RFC 7464 §2, protocol/json-seq.ts), the
 * answers they must get, matched as a multiset because §7.10 lets a device answer the elements of
 * one packed plaintext in any order, and the not-supported path of a device that declines the
 * offer, which must still refuse a packed plaintext cleanly (§7.6 pw-sess-7.6-parse-error).
 */
import { utf8Encode } from '../../../protocol/encoding.ts'
import { packTexts } from '../../../protocol/json-seq.ts'
import { METHODS, RPC_ERRORS, SIZES } from '../../../protocol/registry.ts'
import { expectRpcError, jsonEqual } from '../../drivers/checks.ts'
import type { NoiseSession } from '../../drivers/session.ts'
import type { CaseContext } from '../../model.ts'
import { CaseFailure, fail, must, skip, type FailVerdict } from '../../verdicts.ts'
import { echoRequest, pairedSession } from './support.ts'

/** One answer a case waits for: a result equal to `result`, or an error with `error`'s code. */
export interface Expected {
  readonly id: unknown
  readonly result?: unknown
  readonly error?: { readonly code: number; readonly message: string }
}

/** The answer a pairwire.echo request must get (§7.6). */
export const echoAnswer = (request: Record<string, unknown>): Expected => ({ id: request['id'], result: request['params'] })

/** A packed plaintext of `elements`: a JSON value is sent as its JSON text, bytes as they are. */
export function packed(elements: readonly unknown[]): Uint8Array {
  return packTexts(elements.map((e) => (e instanceof Uint8Array ? e : utf8Encode(JSON.stringify(e)))))
}

/** Whether `plaintext` fits one frame of at most the device's max_frame (§7.5: plus the tag). */
export const fitsFrame = (session: NoiseSession, plaintext: Uint8Array): boolean =>
  plaintext.length + SIZES.aeadTag <= session.devicePayload.max_frame

/**
 * A paired session whose message 1 offers json_seq. When the device's message 2 does not accept
 * it, the case ends as not supported, once a packed plaintext was refused cleanly (declined).
 */
export async function acceptedSession(ctx: CaseContext): Promise<NoiseSession> {
  const { session } = await pairedSession(ctx, { jsonSeq: true })
  ctx.record({ step: 'message 1 offers json_seq', actual: session.devicePayload })
  if (!session.jsonSeqAccepted) await declined(ctx, session)
  return session
}

/**
 * §7.10: a device without json_seq in message 2 takes a packed plaintext for a §7.6 plaintext
 * that is not JSON: one -32700 with id null, and none of its elements answered. Then the case is
 * not supported.
 */
async function declined(ctx: CaseContext, session: NoiseSession): Promise<never> {
  const elements = [echoRequest(session, ['first']), echoRequest(session, ['second'])]
  await session.send(packed(elements))
  const after = echoRequest(session, ['after the packed plaintext'])
  await session.send(after)
  must(await expectAnswers(ctx, session, 'a packed plaintext to a device that declined json_seq',
    [{ id: null, error: RPC_ERRORS.parseError }, echoAnswer(after)]))
  throw new CaseFailure(skip('the device declines packed plaintexts (no json_seq in message 2, §7.10); ' +
    'a packed plaintext was refused cleanly with one -32700, id null (§7.6)', 'not-supported'))
}

/** Whether `response` is the answer `expected` describes. */
function answers(response: Record<string, unknown>, expected: Expected): boolean {
  if (expected.error !== undefined) return expectRpcError(response, expected.error, expected.id) === null
  return response['jsonrpc'] === '2.0' && response['id'] === expected.id && !('error' in response) &&
    jsonEqual(response['result'], expected.result)
}

const isNotification = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'method' in value && !('id' in value)

/**
 * Reads responses (skipping device notifications) until each of `expected` was answered once, in
 * any order; an answer that matches none of those still awaited, a close or a timeout fails.
 */
export async function expectAnswers(
  ctx: CaseContext,
  session: NoiseSession,
  step: string,
  expected: readonly Expected[],
): Promise<FailVerdict | null> {
  const awaited = [...expected]
  const received: unknown[] = []
  while (awaited.length > 0) {
    const next = await session.receive()
    if (next.kind !== 'message') {
      ctx.record({ step, expected, actual: { received, then: next.kind === 'close' ? next.close : 'no frame' } })
      return fail(`${step}: ${awaited.length} of ${expected.length} answers missing`, awaited, received)
    }
    if (isNotification(next.value)) continue
    received.push(next.value)
    const response = (typeof next.value === 'object' && next.value !== null ? next.value : {}) as Record<string, unknown>
    const at = awaited.findIndex((e) => answers(response, e))
    if (at < 0) {
      ctx.record({ step, expected, actual: received })
      return fail(`${step}: an answer nothing sent calls for (or calls for once more)`, awaited, next.value)
    }
    awaited.splice(at, 1)
  }
  ctx.record({ step, expected, actual: received })
  return null
}

/** `count` pairwire.echo requests with fresh ids; params [n] keep each element short. */
export function echoes(session: NoiseSession, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, n) => ({ jsonrpc: '2.0', id: session.nextId(), method: METHODS.echo, params: [n] }))
}

/** The most echo requests, up to 64, whose packed plaintext fits the device's max_frame. */
export function fullest(session: NoiseSession): Record<string, unknown>[] {
  let requests = echoes(session, SIZES.jsonSeqMaxElements)
  while (requests.length > 2 && !fitsFrame(session, packed(requests))) requests = requests.slice(0, -1)
  return requests
}
