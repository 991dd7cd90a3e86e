/**
 * Helpers shared by the session cases (spec §7): a paired client with an open session, a fresh
 * socket for one handshake attempt, JSON-RPC requests and the checks of their answers, and frame
 * mutations (bit flips) whose rejection must close the session and deliver nothing.
 */
import { METHODS, type CloseEntry } from '../../../protocol/registry.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import type { SocketObserver } from '../../drivers/session-socket.ts'
import { expectClose, expectRejected } from '../../drivers/session-close.ts'
import {
  getTicket,
  openSession,
  openTicketSocket,
  type Message1Options,
  type NoiseSession,
} from '../../drivers/session.ts'
import type { CaseContext } from '../../model.ts'
import { failCase, type FailVerdict } from '../../verdicts.ts'
import { jsonEqual } from '../../drivers/checks.ts'

/** Pairs a client and opens a session for it. */
export async function pairedSession(
  ctx: CaseContext,
  options: Message1Options & { autoPong?: boolean } = {},
): Promise<{ client: PairedClient; session: NoiseSession }> {
  const client = await pairClient(ctx)
  return { client, session: await openSession(ctx, client, options) }
}

/** A fresh ticket's upgraded socket, before any handshake. */
export async function freshSocket(ctx: CaseContext, client: PairedClient): Promise<SocketObserver> {
  return openTicketSocket(ctx, await getTicket(ctx, client))
}

/** Sends `first` (message 1, or any frame) on a fresh socket and expects the close `entry`. */
export async function expectFirstFrameClose(
  ctx: CaseContext,
  client: PairedClient,
  first: Uint8Array | string,
  entry: CloseEntry,
  step: string,
): Promise<FailVerdict | null> {
  const socket = await freshSocket(ctx, client)
  await socket.send(first)
  return expectClose(ctx, socket, entry, ctx.timeoutMs, step)
}

/** A pairwire.echo request with a fresh id. */
export function echoRequest(session: NoiseSession, params: unknown = { n: 1 }): Record<string, unknown> {
  return { jsonrpc: '2.0', id: session.nextId(), method: METHODS.echo, params }
}

/** Sends an echo request and fails the case unless its result equals the params. */
export async function expectEcho(session: NoiseSession, params: unknown = { n: 1 }): Promise<void> {
  const response = await session.call(METHODS.echo, params)
  if (!jsonEqual(response['result'], params)) {
    failCase('pairwire.echo must return its params (§7.6)', { result: params }, response)
  }
}

/** `bytes` with bit `bit` (taken modulo its length in bits) inverted. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  const at = bit % (out.length * 8)
  out[at >> 3] = out[at >> 3]! ^ (1 << (at & 7))
  return out
}

/** Sends `frames` in order; the device must close with `entry` and deliver none of them. */
export async function expectFramesRejected(
  ctx: CaseContext,
  session: NoiseSession,
  frames: readonly Uint8Array[],
  entry: CloseEntry,
  step: string,
): Promise<FailVerdict | null> {
  for (const frame of frames) await session.socket.send(frame)
  return expectRejected(ctx, session, entry, step)
}
