/**
 * The harness's zaparoo-v1 client (spec/profiles/zaparoo-v1.md §2 - §4): msgA from a chosen or
 * random α, a strictly decoded msgB, K, the key schedule and both confirmations. The server's
 * confirmation is verified before anything is kept, as the facts ask of a client (§1.6).
 */
import { equalBytes } from '@noble/curves/utils.js'
import {
  clientFinish,
  clientMessage,
  clientShare,
  confirmationMac,
  decodePakeMessage,
  encodePakeMessage,
  pairingKeys,
  peerPoint,
  randomScalar,
  U,
  V,
  type Coordinates,
  type PakeMessage,
} from '../../../protocol/profiles/zaparoo-v1/index.ts'
import { failCase, must } from '../../verdicts.ts'
import type { ProfileContext } from './context.ts'
import { expectStatus, PAIR_FINISH, PAIR_START, post, type Reply } from './http.ts'

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

export const isUuidV4 = (s: unknown): boolean => typeof s === 'string' && UUID_V4.test(s)

export interface Started {
  readonly pin: string
  readonly name: string
  readonly alpha: bigint
  readonly X: Coordinates
  readonly msgA: Uint8Array
  readonly reply: Reply
}

export function msgAFor(pin: string, alpha: bigint = randomScalar()): { alpha: bigint; X: Coordinates; msgA: Uint8Array } {
  const X = clientShare(pin, alpha)
  return { alpha, X, msgA: encodePakeMessage(clientMessage(X)) }
}

export async function startPairing(
  ctx: ProfileContext,
  pin: string,
  options: { name?: string; alpha?: bigint; step?: string } = {},
): Promise<Started> {
  const name = options.name ?? 'pairwire-conformance'
  const { alpha, X, msgA } = msgAFor(pin, options.alpha)
  const reply = await post(ctx, PAIR_START, { pake: b64(msgA), name }, options.step ?? 'pair/start')
  return { pin, name, alpha, X, msgA, reply }
}

export interface Accepted {
  readonly session: string
  readonly msgB: Uint8Array
  readonly message: PakeMessage
}

/** The 200 answer of pair/start, strictly decoded (zp-pair-2.2-start-answer, zp-pake-3.1-message). */
export function acceptedStart(started: Started): Accepted {
  must(expectStatus(started.reply, 200, 'pair/start with a live PIN needs 200'))
  const body = started.reply.json as { session?: unknown; pake?: unknown } | undefined
  if (!isUuidV4(body?.session)) failCase('session must be a UUID v4', 'uuid v4', body?.session)
  const pake = body?.pake
  if (typeof pake !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(pake) || pake.length % 4 !== 0) {
    failCase('pake must be padded standard base64', 'base64', pake)
  }
  const msgB = Uint8Array.from(Buffer.from(pake, 'base64'))
  let message: PakeMessage
  try {
    message = decodePakeMessage(msgB)
  } catch (error) {
    failCase('msgB is not a PAKE message of §3', 'nine fields, decimal strings', String(error))
  }
  return { session: body!.session as string, msgB, message }
}

/** Problems of msgB against zp-pake-3.1-message; empty when it conforms. */
export function msgBProblems(started: Started, m: PakeMessage): string[] {
  const same = (a: Coordinates, b: Coordinates): boolean => a.x === b.x && a.y === b.y
  const problems: string[] = []
  if (m.role !== 1) problems.push(`role ${m.role}, not 1`)
  if (!same(m.u, U) || !same(m.v, V)) problems.push('U or V is not the P-256 constant')
  if (!same(m.x, started.X)) problems.push('X is not the client X')
  try {
    peerPoint(m.y)
  } catch {
    problems.push('Y is not on P-256')
  }
  return problems
}

export interface Paired {
  readonly authToken: string
  readonly clientId: string
  readonly pairingKey: Uint8Array
}

export function clientConfirm(started: Started, accepted: Accepted) {
  const K = clientFinish(started.pin, started.alpha, started.X, accepted.message.y)
  const keys = pairingKeys(K, started.msgA, accepted.msgB)
  const confirm = confirmationMac(keys.confirmKeyA, 'client', started.name, started.msgA, accepted.msgB)
  return { keys, confirm }
}

export async function finishPairing(ctx: ProfileContext, started: Started, step = 'pair/finish'): Promise<Paired> {
  const accepted = acceptedStart(started)
  const { keys, confirm } = clientConfirm(started, accepted)
  const reply = await post(ctx, PAIR_FINISH, { session: accepted.session, confirm: b64(confirm) }, step)
  must(expectStatus(reply, 200, 'the correct confirmation needs 200'))
  const body = reply.json as { authToken?: unknown; clientId?: unknown; confirm?: unknown }
  if (!isUuidV4(body.authToken) || !isUuidV4(body.clientId)) {
    failCase('authToken and clientId must be UUID v4', 'uuid v4', { authToken: typeof body.authToken, clientId: body.clientId })
  }
  const expected = confirmationMac(keys.confirmKeyB, 'server', started.name, started.msgA, accepted.msgB)
  const got = typeof body.confirm === 'string' ? Uint8Array.from(Buffer.from(body.confirm, 'base64')) : new Uint8Array()
  if (!equalBytes(got, expected)) {
    failCase('the server confirmation does not verify (§4.2)', 'HMAC(confirmKeyB, "server" transcript)', 'another value')
  }
  return { authToken: body.authToken as string, clientId: body.clientId as string, pairingKey: keys.pairingKey }
}

/** Opens a PIN and pairs one client. */
export async function pairClient(ctx: ProfileContext, name?: string): Promise<Paired> {
  const { pin } = await ctx.openPin()
  return finishPairing(ctx, await startPairing(ctx, pin, name === undefined ? {} : { name }))
}
