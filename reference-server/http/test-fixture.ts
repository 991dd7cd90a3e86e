/**
 * Test fixture for the HTTP side of the reference device (not a test file itself): a device on a
 * free loopback port with the memory store and no state directory, a settable clock, a client
 * that pairs through the protocol client functions over undici, signed requests, and problem
 * assertions. Every device started here is closed in t.teardown.
 */
import { connect } from 'node:net'
import { Writable } from 'node:stream'
import type { Test } from 'tap'
import { fetch, type Response } from 'undici'
import { defaultBackend, hkdfSha256 } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Encode } from '../../protocol/encoding.ts'
import { signRequest } from '../../protocol/httpsig/index.ts'
import {
  LABELS,
  PATHS,
  PROTOCOL_VERSION,
  SIZES,
  problemType,
  type ProblemEntry,
} from '../../protocol/registry.ts'
import { finishClientPairing, startClientPairing } from '../../protocol/spake2/index.ts'
import { createDevice, type Device, type DeviceOptions } from '../device.ts'
import type { ClosableAuditLog } from '../logs.ts'

/** The `t` of a tap test. */
export type Tap = Test

export interface TestDevice extends Device {
  /** Sets the device clock (integer seconds); starts at the system time. */
  setClock(seconds: number): void
  clock(): number
}

/** A Writable that discards, so test runs do not print the device's log lines. */
export const silentLog = (): Writable => new Writable({ write: (_chunk, _enc, done) => done() })

export async function startDevice(
  t: Tap,
  options: Partial<DeviceOptions> = {},
): Promise<TestDevice> {
  let now = Math.floor(Date.now() / 1000)
  const device = await createDevice({
    host: '127.0.0.1',
    port: 0,
    store: 'memory',
    stateDir: null,
    logStream: silentLog(),
    clock: () => now,
    ...options,
  })
  t.teardown(() => device.close())
  return Object.assign(device, {
    setClock: (seconds: number) => void (now = seconds),
    clock: () => now,
  })
}

export function postJson(device: Device, path: string, body: unknown): Promise<Response> {
  return fetch(device.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

export interface TestClient {
  readonly seed: Uint8Array
  readonly publicKey: Uint8Array
  readonly name: string
}

export function newClient(name = 'test client'): TestClient {
  const seed = defaultBackend.randomBytes(32)
  return { seed, publicKey: defaultBackend.ed25519PublicKey(seed), name }
}

export interface PairStartResult {
  readonly response: Response
  readonly body: Record<string, unknown>
  /** Computes cA from pB for `pin` (the client's view). */
  readonly confirm?: ReturnType<typeof finishClientPairing>
}

/** POST pair/start as `client` with `pin`; computes the client's confirmation when it succeeds. */
export async function pairStart(
  device: Device,
  client: TestClient,
  pin: string,
): Promise<PairStartResult> {
  const deviceKey = device.ctx.identity.publicKey
  const { pA, state } = startClientPairing({ pin, clientKey: client.publicKey, deviceKey })
  const response = await postJson(device, PATHS.pairStart, {
    v: PROTOCOL_VERSION,
    client_key: base64urlEncode(client.publicKey),
    client_name: client.name,
    pA: base64urlEncode(pA),
  })
  // A clone, so that a test can still read `response` (expectProblem).
  const body = (await response.clone().json()) as Record<string, unknown>
  if (response.status !== 200) return { response, body }
  const pB = base64urlDecode(body.pB as string, SIZES.p256UncompressedPoint)
  return { response, body, confirm: finishClientPairing(state, pB) }
}

export function pairFinish(device: Device, pairingId: unknown, cA: Uint8Array): Promise<Response> {
  return postJson(device, PATHS.pairFinish, {
    v: PROTOCOL_VERSION,
    pairing_id: pairingId,
    cA: base64urlEncode(cA),
  })
}

export interface PairedClient extends TestClient {
  readonly clientId: string
  readonly pairingKey: Uint8Array
}

/** Opens a window and pairs `client` end to end, verifying cB as a client must. */
export async function pair(device: Device, client = newClient()): Promise<PairedClient> {
  const { pin } = await device.openPairingWindow()
  const start = await pairStart(device, client, pin)
  const finish = await pairFinish(device, start.body.pairing_id, start.confirm!.cA)
  const body = (await finish.json()) as Record<string, string>
  const pairingKey = start.confirm!.verifyDeviceConfirmation(base64urlDecode(body.cB!, 32))
  return { ...client, clientId: body.client_id!, pairingKey }
}

export interface SignedOptions {
  method?: string
  path: string
  /** JSON value sent as the body; omitted for no body. */
  body?: unknown
  /** The body as raw text instead (e.g. not JSON). */
  text?: string
  alg?: 'ed25519' | 'hmac-sha256'
  created?: number
  nonce?: string
  /** Changes the request after signing (to break it). */
  tamper?: (headers: Record<string, string>, body: string | undefined) => string | undefined
}

export function hmacKeyOf(client: PairedClient): Uint8Array {
  const info = utf8Encode(LABELS.requestHmacKeyInfo)
  return hkdfSha256(defaultBackend, client.pairingKey, new Uint8Array(0), info, 32)
}

/** Sends a request signed by `client` per spec §8. */
export function signedFetch(
  device: TestDevice,
  client: PairedClient,
  options: SignedOptions,
): Promise<Response> {
  const method = options.method ?? 'POST'
  const json = options.body === undefined ? undefined : JSON.stringify(options.body)
  const text = options.text ?? json
  const body = text === undefined ? undefined : utf8Encode(text)
  const alg = options.alg ?? 'ed25519'
  const url = device.url + options.path
  const fields = signRequest({
    request: { method, url, headers: {}, ...(body === undefined ? {} : { body }) },
    keyid: client.clientId,
    alg,
    key: alg === 'ed25519' ? client.seed : hmacKeyOf(client),
    created: options.created ?? device.clock(),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  })
  const headers: Record<string, string> = { ...fields }
  if (text !== undefined) headers['content-type'] = 'application/json'
  const sent = options.tamper === undefined ? text : options.tamper(headers, text)
  return fetch(url, { method, headers, ...(sent === undefined ? {} : { body: sent }) })
}

/** The audit entries of `event` recorded so far by a device without a state dir. */
export function audited(device: Device, event: string): Record<string, unknown>[] {
  const { entries } = device.ctx.audit as ClosableAuditLog
  return entries.filter((entry) => entry.event === event)
}

/** Asserts a problem+json answer of `entry` and returns its body. */
export async function expectProblem(
  t: Tap,
  response: Response,
  entry: ProblemEntry,
): Promise<Record<string, unknown>> {
  t.equal(response.status, entry.status, `status ${entry.status}`)
  t.equal(response.headers.get('content-type'), LABELS.problemContentType)
  const body = (await response.json()) as Record<string, unknown>
  t.equal(body.type, problemType(entry), entry.name)
  return body
}

/** Writes raw bytes on a new TCP connection and resolves with everything the device sent. */
export function rawExchange(device: Device, request: string, timeoutMs = 2000): Promise<string> {
  const { hostname, port } = new URL(device.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    socket.setEncoding('utf8')
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(new Error(`no end of answer within ${timeoutMs} ms; got: ${received}`))
    })
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(received))
    socket.write(request)
  })
}
