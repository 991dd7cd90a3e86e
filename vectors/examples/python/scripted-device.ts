/**
 * A device that misbehaves on purpose, for client-checks.test.ts: built on protocol/ only, it
 * serves discovery, pair/start, pair/finish, tickets and the session WebSocket like a device
 * (spec §4 - §7), and lets a test rewrite any answer or take over the session after Noise message
 * 1, so that every check the Python client makes can be shown to fire. It verifies no signature
 * (the reference device does that in client-adapter.test.ts); it records what the client sent.
 * Until the harness's client mode (issue 14) can drive the adapter, this is how its failure paths
 * are exercised.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import {
  base64urlDecode,
  base64urlEncode,
  utf8Decode,
  utf8Encode,
} from '../../../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../../../protocol/ids.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../../../protocol/noise/index.ts'
import { LIMIT_DEFAULTS, PATHS } from '../../../protocol/registry.ts'
import { confirmDevicePairing, respondDevicePairing } from '../../../protocol/spake2/index.ts'
import type { DevicePairingState } from '../../../protocol/spake2/index.ts'

export const SCRIPTED_PIN = '294017'
const backend = defaultBackend
type Json = Record<string, unknown>

/** The session after a valid message 1: the test decides what the device sends. */
export interface SessionPeer {
  readonly ws: WebSocket
  /** The raw TCP socket under the WebSocket, to write frames ws would not send. */
  readonly socket: Duplex
  readonly transport: NoiseTransport
  readonly handshake: HandshakeState
  /** Message 2 (its payload rewritten by Script.message2Payload, if set), not yet sent. */
  readonly message2: Uint8Array
  /** The next plaintext from the client, as text. */
  nextPlaintext(): Promise<string>
}

export interface Script {
  /** Rewrites the discovery document; a string is served as the raw body. */
  discovery?: (doc: Json) => Json | string
  pairStart?: (answer: Json) => Json
  pairFinish?: (answer: Json) => Json
  ticket?: (answer: Json) => Json
  /** Rewrites the message 2 payload (spec 7.4) before it is encrypted. */
  message2Payload?: (payload: Json) => Json
  /** Takes over after message 1; the default sends message 2 and echoes each request. */
  session?: (peer: SessionPeer) => Promise<void>
}

export interface ScriptedDevice {
  readonly url: string
  readonly deviceKey: Uint8Array
  readonly deviceId: string
  /** Requests by path and arrival time (seconds); the close code the client sent, if any. */
  readonly requests: { path: string; headers: IncomingMessage['headers']; at: number }[]
  readonly clientClose: Promise<{ code: number; reason: string }>
  /** Registers a client as if it had paired, for session scripts. */
  pairClient(clientId: string, pairingKey: Uint8Array): void
  close(): Promise<void>
}

function discoveryOf(deviceId: string, deviceKey: Uint8Array): Json {
  return {
    v: 1, versions: [1], device_id: deviceId, device_key: base64urlEncode(deviceKey),
    name: 'scripted device', profiles: ['pairing', 'session', 'signed-http'],
    algorithms: ['ed25519', 'hmac-sha256'], limits: { ...LIMIT_DEFAULTS },
  }
}

async function bodyOf(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json)
}

/** The default session: message 2, then every request answered with its params (echo). */
async function echoSession(peer: SessionPeer): Promise<void> {
  peer.ws.send(peer.message2)
  for (;;) {
    const request = JSON.parse(await peer.nextPlaintext()) as Json
    const answer = { jsonrpc: '2.0', id: request.id, result: request.params ?? null }
    peer.ws.send(peer.transport.seal(utf8Encode(JSON.stringify(answer))))
  }
}

export async function startScriptedDevice(script: Script = {}): Promise<ScriptedDevice> {
  const seed = backend.randomBytes(32)
  const deviceKey = backend.ed25519PublicKey(seed)
  const deviceId = deviceIdOf(deviceKey)
  const clients = new Map<string, Uint8Array>()
  const pendings = new Map<string, { state: DevicePairingState; clientKey: Uint8Array }>()
  const requests: ScriptedDevice['requests'] = []
  let closed!: (info: { code: number; reason: string }) => void
  const clientClose = new Promise<{ code: number; reason: string }>((r) => (closed = r))

  const answers: Record<string, (body: Json) => Json> = {
    [PATHS.pairStart]: (body) => {
      const clientKey = base64urlDecode(body.client_key as string, 32)
      const pA = base64urlDecode(body.pA as string, 65)
      const { pB, state } = respondDevicePairing({ pin: SCRIPTED_PIN, clientKey, deviceKey, pA })
      const pairingId = base64urlEncode(backend.randomBytes(16))
      pendings.set(pairingId, { state, clientKey })
      const answer = { v: 1, pairing_id: pairingId, pB: base64urlEncode(pB),
        device_key: base64urlEncode(deviceKey), expires_at: Math.floor(Date.now() / 1000) + 60 }
      return script.pairStart?.(answer) ?? answer
    },
    [PATHS.pairFinish]: (body) => {
      const pending = pendings.get(body.pairing_id as string)!
      const { cB, pairingKey } = confirmDevicePairing(pending.state,
        base64urlDecode(body.cA as string, 32))
      const clientId = clientIdOf(pending.clientKey)
      clients.set(clientId, pairingKey)
      const answer = { v: 1, client_id: clientId, device_id: deviceId, cB: base64urlEncode(cB) }
      return script.pairFinish?.(answer) ?? answer
    },
    [PATHS.tickets]: () => {
      const answer = { v: 1, ticket: base64urlEncode(backend.randomBytes(32)),
        expires_at: Math.floor(Date.now() / 1000) + 30 }
      return script.ticket?.(answer) ?? answer
    },
  }

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    requests.push({ path, headers: request.headers, at: Date.now() / 1000 })
    void bodyOf(request).then((body) => {
      const doc = path === PATHS.discovery
        ? (script.discovery ?? ((d: Json) => d))(discoveryOf(deviceId, deviceKey))
        : answers[path]?.(body)
      response.writeHead(doc === undefined ? 404 : 200, { 'content-type': 'application/json' })
      response.end(typeof doc === 'string' ? doc : JSON.stringify(doc ?? {}))
    })
  })

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    requests.push({ path: PATHS.websocket, headers: request.headers, at: Date.now() / 1000 })
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('close', (code, reason) => closed({ code, reason: reason.toString('utf8') }))
      const [clientId, pairingKey] = [...clients.entries()][0]!
      const handshake = new HandshakeState({ role: 'responder', psk: pairingKey,
        prologue: sessionPrologue(clientId, deviceId) })
      const queue: Buffer[] = []
      let waiter: ((frame: Buffer) => void) | null = null
      ws.on('message', (data: Buffer) => {
        if (waiter !== null) (waiter(data), (waiter = null))
        else queue.push(data)
      })
      const nextFrame = () =>
        new Promise<Buffer>((r) => (queue.length > 0 ? r(queue.shift()!) : (waiter = r)))
      void nextFrame().then((message1) => {
        handshake.readMessage(message1)
        const payload = { v: 1, session_id: base64urlEncode(backend.randomBytes(16)),
          max_frame: LIMIT_DEFAULTS.max_frame, ping_interval: LIMIT_DEFAULTS.ping_interval }
        const written = script.message2Payload?.(payload) ?? payload
        const message2 = handshake.writeMessage(utf8Encode(JSON.stringify(written)))
        const transport = new NoiseTransport(handshake.split())
        const nextPlaintext = async () => utf8Decode(transport.open(await nextFrame()))
        const peer = { ws, socket, transport, handshake, message2, nextPlaintext }
        return (script.session ?? echoSession)(peer)
      }).catch(() => ws.terminate())
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`, deviceKey, deviceId, requests, clientClose,
    pairClient: (clientId, pairingKey) => void clients.set(clientId, pairingKey),
    close: () => new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate()
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
