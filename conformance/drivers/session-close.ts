/**
 * How a session ends, as the session cases judge it (spec §7.5, §7.9): the device's close code
 * (and reason) within a time, nothing in clear before it, and nothing delivered of a frame it
 * had to reject or of any frame after it.
 */
import type { CloseEntry } from '../../protocol/registry.ts'
import { fail, type FailVerdict } from '../verdicts.ts'
import type { CaseContext } from '../model.ts'
import type { SocketObserver } from './session-socket.ts'
import type { NoiseSession } from './session.ts'

/**
 * Checks that the device closed with `entry`'s code within `ms`; with `reason`, also that the
 * close reason is the registry name (§7.9), which only the §7.9 case judges.
 */
export async function expectClose(
  ctx: CaseContext,
  socket: SocketObserver,
  entry: CloseEntry,
  ms: number,
  step = 'close',
  options: { reason?: boolean } = {},
): Promise<FailVerdict | null> {
  const closed = await socket.waitClose(ms)
  const expected = options.reason ? { code: entry.code, reason: entry.reason } : { code: entry.code }
  const actual = closed === undefined ? `still open after ${ms} ms` : closed
  ctx.record({ step, expected, actual })
  if (closed === undefined) return fail(`the device did not close within ${ms} ms`, expected, actual)
  if (closed.code !== entry.code) {
    return fail(`expected close ${entry.code} ${entry.name}, got ${closed.code}`, expected, actual)
  }
  if (options.reason && closed.reason !== entry.reason) {
    return fail(`close reason must be the registry name "${entry.reason}" (§7.9)`, expected, actual)
  }
  return cleartextBeforeClose(socket)
}

/**
 * Spec §7.5 {#pw-sess-7.5-no-cleartext}, on every path that ends in a close: the only frames in
 * clear are the two handshake messages, Ping, Pong and Close. So before message 2 was read, the
 * device may have sent no data frame at all ahead of its close (message 2 comes only with
 * success), and after it, no text frame; binary frames after message 2 are left to the session,
 * which must authenticate them (expectRejected).
 */
export function cleartextBeforeClose(socket: SocketObserver): FailVerdict | null {
  const frames = socket.peek()
  const clear = socket.handshakeDone ? frames.filter((f) => !f.binary) : frames
  if (clear.length === 0) return null
  const shown = clear.map((f) => `${f.binary ? 'binary' : 'text'} frame of ${f.data.length} bytes`)
  const when = socket.handshakeDone ? 'after message 2' : 'instead of message 2'
  return fail(`the device sent data in clear ${when} before its close (pw-sess-7.5-no-cleartext)`,
    'only Ping, Pong and Close', shown)
}

/**
 * After a frame the device must reject: it closes with `entry` and delivers nothing, i.e. sends
 * no JSON-RPC response for that frame or any later one (§7.5). Frames queued before the close are
 * decrypted and any response among them is reported as a delivery.
 */
export async function expectRejected(
  ctx: CaseContext,
  session: NoiseSession,
  entry: CloseEntry,
  step: string,
): Promise<FailVerdict | null> {
  const closed = await expectClose(ctx, session.socket, entry, ctx.timeoutMs, step)
  const delivered: unknown[] = []
  while (session.pending > 0) {
    const received = await session.receive(0)
    if (received.kind === 'message' && typeof received.value === 'object' && received.value !== null &&
      'id' in received.value) delivered.push(received.value)
  }
  if (delivered.length > 0) {
    return fail('the device delivered a rejected frame or a later one (§7.5)', 'no response', delivered)
  }
  return closed
}
