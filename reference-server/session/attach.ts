/**
 * The session WebSocket on the device's HTTP server (spec §7.2): every 'upgrade' request goes
 * through the gate (gate.ts); only an admitted one becomes a WebSocket, handled by a Session and
 * listed in ctx.sessions. ws runs without a server of its own, with permessage-deflate off (the
 * frames are ciphertext), no UTF-8 check of text messages (the session refuses them all) and
 * maxPayload = max_frame as a second line behind frame-guard.ts.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSES, PROBLEMS } from '../../protocol/registry.ts'
import type { ServerContext } from '../context.ts'
import { rejectUpgrade } from '../problem.ts'
import type { ClientRecord } from '../store/store.ts'
import { answeringWebSocket } from './close-answer.ts'
import { guardMessageLength } from './frame-guard.ts'
import { admit, WEBSOCKET_VERSION, type Admission, type ClientLimiter, type IpLimiter } from './gate.ts'
import { sessionTableOf, type SessionTable } from './registry.ts'
import { Session } from './session.ts'

function startSession(
  ws: WebSocket,
  req: IncomingMessage,
  client: ClientRecord,
  ctx: ServerContext,
  table: SessionTable,
): void {
  const { socket } = req
  const session = new Session(ws, client, ctx, socket.remoteAddress ?? null, socket)
  table.add(session)
  void session.ended.then(() => table.delete(session))
  // §7.5: a message over max_frame closes the session before it is buffered.
  guardMessageLength(socket, ctx.limits.max_frame, () => session.close(CLOSES.frameTooLarge))
}

/** The gate's decision, logged; a failure of the gate itself is a logged 500, never a crash. */
async function decide(req: IncomingMessage, ctx: ServerContext, options: SessionOptions) {
  const remote = req.socket.remoteAddress
  const admission: Admission = await admit(req, ctx, options).catch((e: unknown) => {
    ctx.log.error('session.gate-error', { remote, error: String(e) })
    return { ok: false, problem: PROBLEMS.internalError }
  })
  if (!admission.ok) ctx.log.info('session.refused', { remote, problem: admission.problem.name })
  return admission
}

export interface SessionOptions {
  /** The per-IP limiter of the HTTP endpoints, so one budget covers both (spec §7.2 step 1). */
  ipLimiter?: IpLimiter
  /** The per-client limiter of signed requests, which signed upgrades share (§7.2 step 4s). */
  clientLimiter?: ClientLimiter
}

export function attachSessions(
  server: Server,
  ctx: ServerContext,
  options: SessionOptions = {},
): { close(): Promise<void> } {
  const table = sessionTableOf(ctx.sessions)
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: ctx.limits.max_frame,
    perMessageDeflate: false,
    clientTracking: false,
    // Spec §7.5: any text message closes with malformed-frame, so ws must not close one that is
    // not UTF-8 with its own 1007 first.
    skipUTF8Validation: true,
    // Spec §7.9: a client's Close is answered 1000 normal, never echoed (close-answer.ts).
    WebSocket: answeringWebSocket(ctx.faults.has('echo-client-close')),
  })
  let closing = false

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const admission = await decide(req, ctx, options)
    if (!admission.ok) {
      // RFC 6455 §4.4: a refused opening handshake names the version the device speaks.
      const headers = { 'sec-websocket-version': WEBSOCKET_VERSION }
      const { retryAfter, extras } = admission
      rejectUpgrade(socket, admission.problem, { retryAfter, extras, headers })
    } else if (closing || socket.destroyed) {
      socket.destroy()
    } else {
      wss.handleUpgrade(req, socket, head, (ws) =>
        startSession(ws, req, admission.client, ctx, table),
      )
    }
  }
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A connection reset while the gate waits for the store must not become an uncaught error.
    socket.on('error', () => socket.destroy())
    upgrade(req, socket, head).catch((e: unknown) => {
      ctx.log.error('session.upgrade-error', { error: String(e) })
      socket.destroy()
    })
  }
  server.on('upgrade', onUpgrade)

  return {
    async close() {
      closing = true
      server.off('upgrade', onUpgrade)
      await table.closeAll(CLOSES.goingAway)
      wss.close()
    },
  }
}
