/**
 * A minimal in-test device for the harness's own tests, built from protocol/ functions only:
 * discovery (§4), the test-control PIN (§12.2), pairing (§5.7, §5.8), signed requests (§8.7) to
 * tickets (§6.1), rpc (§8.9) and clients/self (§9.2), and sessions (test-device-session.ts). It
 * is just correct enough for the drivers and models to be tested against, and has switches that
 * break one rule each so tests can show the harness notices.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Decode } from '../../protocol/encoding.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import { checkSignatureTime, parseSignedRequest, verifyParsedSignature } from '../../protocol/httpsig/index.ts'
import { clientIdOf, deviceIdOf } from '../../protocol/ids.ts'
import {
  LABELS, LIMIT_DEFAULTS, PATHS, PROBLEMS, PROTOCOL_VERSION, SIGNATURE_FAILURE_PROBLEMS, SIZES,
  problemType, type ProblemEntry,
} from '../../protocol/registry.ts'
import {
  confirmDevicePairing, generatePin, respondDevicePairing, type DevicePairingState,
} from '../../protocol/spake2/index.ts'
import { newTicket } from '../../protocol/tickets.ts'
import { stubDiscovery } from '../stub-device.ts'
import { requestHmacKey } from './signed.ts'
import { attachTestSessions, type TestSessionFaults } from './test-device-session.ts'

export interface TestClient {
  readonly key: Uint8Array
  readonly pairingKey: Uint8Array
}

export interface TestDeviceFaults extends TestSessionFaults {
  /** Nonces are never claimed (§8.7 step 10 off). */
  readonly acceptReplayedNonce?: boolean
  /** pair/finish answers a cB that does not verify. */
  readonly wrongCb?: boolean
}

export interface TestDevice {
  readonly url: string
  readonly deviceId: string
  readonly clients: Map<string, TestClient>
  /** Ticket → client_id; the gate takes each once. */
  readonly tickets: Map<string, string>
  close(): Promise<void>
}

class Problem extends Error {
  constructor(
    readonly entry: ProblemEntry,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(entry.name)
  }
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) return void res.writeHead(status).end()
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

export function problemBody(entry: ProblemEntry): object {
  return { type: problemType(entry), title: entry.title, status: entry.status }
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
  })
}

export async function startTestDevice(
  options: { pin?: string; faults?: TestDeviceFaults } = {},
): Promise<TestDevice> {
  const faults = options.faults ?? {}
  const pin = options.pin ?? generatePin()
  const discovery = stubDiscovery()
  const deviceKey = base64urlDecode(discovery['device_key'] as string, SIZES.ed25519PublicKey)
  const deviceId = deviceIdOf(deviceKey)
  const pending = new Map<string, { state: DevicePairingState; clientKey: Uint8Array }>()
  const clients = new Map<string, TestClient>()
  const tickets = new Map<string, string>()
  const nonces = new Set<string>()

  function pairStart(body: { client_key: string; pA: string }): object {
    const clientKey = base64urlDecode(body.client_key, SIZES.ed25519PublicKey)
    try {
      const { pB, state } = respondDevicePairing({ pin, clientKey, deviceKey, pA: base64urlDecode(body.pA) })
      const pairingId = base64urlEncode(defaultBackend.randomBytes(SIZES.signatureNonce))
      pending.set(pairingId, { state, clientKey })
      const expires_at = Math.floor(Date.now() / 1000) + LIMIT_DEFAULTS.pairing_ttl
      return { v: PROTOCOL_VERSION, pairing_id: pairingId, pB: base64urlEncode(pB), device_key: discovery['device_key'], expires_at }
    } catch (error) {
      if (isProtocolError(error, 'invalid-share')) throw new Problem(PROBLEMS.invalidShare)
      throw error
    }
  }

  function pairFinish(body: { pairing_id: string; cA: string }): object {
    const found = pending.get(body.pairing_id)
    if (found === undefined) throw new Problem(PROBLEMS.unknownPairing)
    pending.delete(body.pairing_id)
    let confirmed: { cB: Uint8Array; pairingKey: Uint8Array }
    try {
      confirmed = confirmDevicePairing(found.state, base64urlDecode(body.cA, SIZES.confirmationMac))
    } catch {
      // This stub keeps no failure budget (§5.4); the member is required by the schema (§5.8).
      throw new Problem(PROBLEMS.confirmationFailed, { attempts_remaining: 0 })
    }
    const clientId = clientIdOf(found.clientKey)
    clients.set(clientId, { key: found.clientKey, pairingKey: confirmed.pairingKey })
    if (faults.wrongCb) confirmed.cB[0] = confirmed.cB[0]! ^ 1
    return { v: PROTOCOL_VERSION, client_id: clientId, device_id: deviceId, cB: base64urlEncode(confirmed.cB) }
  }

  /** §8.7: parse, look up, verify, time, claim. Returns the authenticated client_id. */
  function verify(req: IncomingMessage, url: string, body: Uint8Array): string {
    const request = { method: req.method ?? 'GET', url, headers: req.headers, body }
    let clientId: string
    try {
      const parsed = parseSignedRequest(request)
      clientId = parsed.params.keyid
      const client = clients.get(clientId)
      if (client === undefined) throw new Problem(PROBLEMS.unknownKey)
      const key = parsed.params.alg === 'hmac-sha256' ? requestHmacKey(client.pairingKey) : client.key
      const params = verifyParsedSignature(parsed, key)
      if (!checkSignatureTime(params, Math.floor(Date.now() / 1000), LIMIT_DEFAULTS.skew)) {
        throw new Problem(PROBLEMS.clockSkew)
      }
      const claim = `${params.keyid} ${params.nonce}`
      if (nonces.has(claim) && !faults.acceptReplayedNonce) throw new Problem(PROBLEMS.replayedNonce)
      nonces.add(claim)
    } catch (error) {
      const entry = isProtocolError(error) ? SIGNATURE_FAILURE_PROBLEMS[error.code] : undefined
      throw entry === undefined ? error : new Problem(entry)
    }
    return clientId
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const path = new URL(url).pathname
    const body = await readBody(req)
    const json = () => JSON.parse(utf8Decode(body)) as never
    if (path === PATHS.discovery) return send(res, 200, discovery)
    if (path === PATHS.testPin) return send(res, 200, { v: PROTOCOL_VERSION, pin, expires_at: 0 })
    if (path === PATHS.pairStart) return send(res, 200, pairStart(json()))
    if (path === PATHS.pairFinish) return send(res, 200, pairFinish(json()))
    const clientId = verify(req, url, body)
    if (path === PATHS.tickets) {
      const { ticket } = newTicket()
      tickets.set(ticket, clientId)
      return send(res, 200, { v: PROTOCOL_VERSION, ticket, expires_at: 0 })
    }
    if (path === PATHS.clientsSelf) return void (clients.delete(clientId), send(res, 204))
    const message = json() as { id?: unknown; params?: unknown }
    if (message.id === undefined) return send(res, 204)
    return send(res, 200, { jsonrpc: '2.0', id: message.id, result: message.params })
  }

  const server = createServer((req, res) => {
    const url = `http://${req.headers.host ?? ''}${req.url ?? '/'}`
    route(req, res, url).catch((error: unknown) => {
      const entry = error instanceof Problem ? error.entry : PROBLEMS.malformedRequest
      const body = { ...problemBody(entry), ...(error instanceof Problem ? error.extra : {}) }
      res.writeHead(entry.status, { 'content-type': LABELS.problemContentType }).end(JSON.stringify(body))
    })
  })
  const sessions = attachTestSessions(server, { deviceId, clients, tickets, faults })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    deviceId,
    clients,
    tickets,
    close: async () => {
      sessions.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
