/**
 * The session side of the client tests' fake device (test-fixture.ts): a Noise NNpsk0 responder
 * on one WebSocket that answers pairwire.echo, and that can misbehave in one named way around
 * message 2 or send tampered, raw and clear frames on demand.
 */
import type { WebSocket } from 'ws'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode, utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import { HandshakeState, NoiseTransport } from '../protocol/noise/index.ts'
import {
  LIMIT_DEFAULTS,
  METHODS,
  PROTOCOL_VERSION,
  RPC_ERRORS,
  SIZES,
} from '../protocol/registry.ts'

type Json = Record<string, unknown>

/** How the fake device's session misbehaves (default: it follows the protocol). */
export type SessionMode =
  | 'normal'
  | 'garbage-message-2'
  | 'short-message-2'
  | 'cleartext-before-message-2'
  | 'text-before-message-2'
  | 'message-2-version-2'
  | 'notify-with-message-2'
  | 'silent'

/** One WebSocket session as the device sees it. */
export interface FakeSession {
  /** Sends a JSON value as a transport message (after message 2). */
  send(message: unknown): void
  /** Sends a transport message with one ciphertext bit flipped. */
  sendTampered(message: unknown): void
  /** Sends raw bytes or text as one frame. */
  sendRaw(frame: Uint8Array | string): void
  close(code: number, reason: string): void
  /** Drops the connection without a close frame. */
  terminate(): void
  readonly received: unknown[]
  /** Settles once message 2 is sent. */
  readonly handshaken: Promise<void>
  readonly closed: Promise<{ code: number; reason: string }>
}

/** pairwire.echo answers its params; other methods are method-not-found; notifications none. */
export function rpcAnswer(call: Json): object | null {
  if (call.id === undefined || call.method === undefined) return null
  if (call.method === METHODS.echo) {
    return { jsonrpc: '2.0', id: call.id, result: call.params ?? null }
  }
  const { code, message } = RPC_ERRORS.methodNotFound
  return { jsonrpc: '2.0', id: call.id, error: { code, message, data: { method: call.method } } }
}

export function runFakeSession(
  ws: WebSocket,
  psk: Uint8Array,
  prologue: Uint8Array,
  mode: SessionMode,
): FakeSession {
  const handshake = new HandshakeState({ role: 'responder', psk, prologue })
  let transport: NoiseTransport | null = null
  let handshakeDone!: () => void
  const seal = (message: unknown) => transport!.seal(utf8Encode(JSON.stringify(message)))
  const session: FakeSession = {
    send: (message) => ws.send(seal(message)),
    sendTampered: (message) => {
      const frame = seal(message)
      frame[0]! ^= 1
      ws.send(frame)
    },
    sendRaw: (frame) => ws.send(frame),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    received: [],
    handshaken: new Promise<void>((resolve) => (handshakeDone = resolve)),
    closed: new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    }),
  }
  ws.on('message', (data: Buffer) => {
    if (transport !== null) {
      const message = JSON.parse(utf8Decode(transport.open(new Uint8Array(data)))) as Json
      session.received.push(message)
      const reply = rpcAnswer(message)
      if (reply !== null) session.send(reply)
      return
    }
    handshake.readMessage(new Uint8Array(data))
    if (!sendMessage2(ws, handshake, mode)) return
    transport = new NoiseTransport(handshake.split())
    handshakeDone()
    if (mode === 'notify-with-message-2') {
      session.send({ jsonrpc: '2.0', method: 'device.welcome', params: [] })
    }
  })
  return session
}

/** Message 2 as the session mode wants it; false when none is sent. */
function sendMessage2(ws: WebSocket, handshake: HandshakeState, mode: SessionMode): boolean {
  const notice = JSON.stringify({ jsonrpc: '2.0', method: 'device.hello', params: {} })
  if (mode === 'cleartext-before-message-2') ws.send(utf8Encode(notice))
  if (mode === 'text-before-message-2') ws.send(notice)
  if (mode === 'short-message-2') ws.send(new Uint8Array(SIZES.x25519Key + SIZES.aeadTag - 1))
  if (mode === 'silent' || mode === 'short-message-2') return false
  const payload = {
    v: mode === 'message-2-version-2' ? PROTOCOL_VERSION + 1 : PROTOCOL_VERSION,
    session_id: base64urlEncode(defaultBackend.randomBytes(16)),
    max_frame: SIZES.noiseMaxMessage,
    ping_interval: LIMIT_DEFAULTS.ping_interval,
  }
  const message2 = handshake.writeMessage(utf8Encode(JSON.stringify(payload)))
  if (mode === 'garbage-message-2') message2[40]! ^= 1
  ws.send(message2)
  return true
}
