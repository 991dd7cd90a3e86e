/**
 * The session side of the in-test device (test-device.ts): the pre-upgrade gate (§7.2), the Noise
 * responder with the Pairwire prologue and payloads (§7.3, §7.4), and transport frames carrying an
 * echo-only JSON-RPC (§7.5, §7.6). Built from protocol/ functions; switches break one rule each.
 */
import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlEncode, utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../../protocol/noise/index.ts'
import {
  CLOSES, LABELS, LIMIT_DEFAULTS, PATHS, PROBLEMS, PROTOCOL_VERSION, SIZES, type CloseEntry, type ProblemEntry,
} from '../../protocol/registry.ts'
import { problemBody, type TestClient } from './test-device.ts'

export interface TestSessionFaults {
  /** A transport frame that fails authentication is skipped instead of closing the session. */
  readonly skipFailedFrame?: boolean
  /** A transport frame that fails authentication closes with this entry instead of 4422. */
  readonly authFailureClose?: CloseEntry
}

interface SessionDeps {
  readonly deviceId: string
  readonly clients: ReadonlyMap<string, TestClient>
  readonly tickets: Map<string, string>
  readonly faults: TestSessionFaults
}

const MESSAGE_1_MIN = SIZES.x25519Key + SIZES.aeadTag

function refuse(socket: Duplex, entry: ProblemEntry): void {
  const body = JSON.stringify(problemBody(entry))
  socket.end(`HTTP/1.1 ${entry.status} ${entry.title}\r\ncontent-type: ${LABELS.problemContentType}\r\n` +
    `connection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

function closeWith(ws: WebSocket, entry: CloseEntry): void {
  ws.close(entry.code, entry.reason)
}

/** One session: message 1 → message 2, then echo requests; any failure closes with its code. */
function runSession(ws: WebSocket, clientId: string, client: TestClient, deps: SessionDeps): void {
  const handshake = new HandshakeState({
    role: 'responder',
    psk: client.pairingKey,
    prologue: sessionPrologue(clientId, deps.deviceId),
  })
  let transport: NoiseTransport | undefined
  const devicePayload = {
    v: PROTOCOL_VERSION,
    session_id: base64urlEncode(defaultBackend.randomBytes(SIZES.signatureNonce)),
    max_frame: LIMIT_DEFAULTS.max_frame,
    ping_interval: LIMIT_DEFAULTS.ping_interval,
  }
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const frame = new Uint8Array(data)
    if (!isBinary) return closeWith(ws, CLOSES.malformedFrame)
    if (transport === undefined) {
      if (frame.length < MESSAGE_1_MIN) return closeWith(ws, CLOSES.malformedFrame)
      try {
        const payload = JSON.parse(utf8Decode(handshake.readMessage(frame))) as { v?: unknown }
        if (payload.v !== PROTOCOL_VERSION) return closeWith(ws, CLOSES.unsupportedVersion)
        ws.send(handshake.writeMessage(utf8Encode(JSON.stringify(devicePayload))))
        transport = new NoiseTransport(handshake.split())
      } catch {
        closeWith(ws, CLOSES.handshakeFailed)
      }
      return
    }
    if (frame.length < SIZES.aeadTag) return closeWith(ws, CLOSES.malformedFrame)
    let plaintext: Uint8Array
    try {
      plaintext = transport.open(frame)
    } catch {
      if (deps.faults.skipFailedFrame) return
      return closeWith(ws, deps.faults.authFailureClose ?? CLOSES.frameAuthFailed)
    }
    const message = JSON.parse(utf8Decode(plaintext)) as { id?: unknown; params?: unknown }
    if (message.id === undefined) return
    ws.send(transport.seal(utf8Encode(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: message.params }))))
  })
}

/** Handles upgrades to the session path on `server`: the gate, then a session. */
export function attachTestSessions(server: Server, deps: SessionDeps): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://device')
    if (url.pathname !== PATHS.websocket) return refuse(socket, PROBLEMS.notFound)
    const ticket = url.searchParams.get('ticket')
    if (ticket === null || ticket === '') return refuse(socket, PROBLEMS.ticketMissing)
    const clientId = deps.tickets.get(ticket)
    deps.tickets.delete(ticket)
    const client = clientId === undefined ? undefined : deps.clients.get(clientId)
    if (clientId === undefined || client === undefined) return refuse(socket, PROBLEMS.ticketInvalid)
    wss.handleUpgrade(req, socket, head, (ws) => runSession(ws, clientId, client, deps))
  })
  return {
    close() {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}
