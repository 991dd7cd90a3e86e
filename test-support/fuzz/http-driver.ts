/**
 * Turns an HttpCase (arbitraries.ts) into bytes on the wire: the valid request of its endpoint,
 * built live (a window's PIN for pair/start, a real pending pairing for pair/finish, a paired
 * client's signature for the signed endpoints), then mutated as the case says, then sent on its
 * own connection. The fuzz client is paired again whenever a case happens to unpair it.
 */
import { fetch } from 'undici'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, utf8Encode } from '../../protocol/encoding.ts'
import { requestHmacKey, signRequest } from '../../protocol/httpsig/index.ts'
import { METHODS, PATHS, PROTOCOL_VERSION, SIZES } from '../../protocol/registry.ts'
import { finishClientPairing, startClientPairing } from '../../protocol/spake2/index.ts'
import { pair, type Credentials } from '../../reference-client/index.ts'
import type { ByteEdit, HttpCase, JsonEdit, Template } from './arbitraries.ts'
import {
  encodeRequest,
  exchange,
  parseResponses,
  type RawRequest,
  type RawResponse,
} from './raw-http.ts'

/** Longer than the device needs for any answer; a hang fails the case. */
const ANSWER_TIMEOUT_MS = 5000

const ROUTES: Record<Template, readonly [string, string]> = {
  discovery: ['GET', PATHS.discovery],
  'pair-start': ['POST', PATHS.pairStart],
  'pair-finish': ['POST', PATHS.pairFinish],
  'test-pin': ['POST', PATHS.testPin],
  tickets: ['POST', PATHS.tickets],
  rpc: ['POST', PATHS.rpc],
  'clients-self': ['DELETE', PATHS.clientsSelf],
  'ws-get': ['GET', PATHS.websocket],
  other: ['GET', '/fuzz'],
}

export function applyByteEdit(bytes: Uint8Array, edit: ByteEdit): Uint8Array {
  const at = (edit.op === 'pad' ? 0 : edit.at) % (bytes.length + 1)
  switch (edit.op) {
    case 'flip': {
      if (bytes.length === 0) return bytes
      const flipped = bytes.slice()
      flipped[at % bytes.length]! ^= 1 << edit.bit
      return flipped
    }
    case 'cut':
      return bytes.subarray(0, at)
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), edit.bytes, bytes.subarray(at)])
    case 'pad':
      // Whitespace keeps JSON valid while the body grows past max_body.
      return Buffer.concat([bytes, Buffer.alloc(edit.length, ' ')])
  }
}

function applyJsonEdit(value: unknown, edit: JsonEdit): unknown {
  if (edit.op === 'root') return edit.value
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const copy: Record<string, unknown> = { ...value }
  if (edit.op === 'delete') delete copy[edit.member]
  // defineProperty, so that a member named __proto__ is sent as a member.
  else Object.defineProperty(copy, edit.member, { value: edit.value, enumerable: true })
  return copy
}

/** The members of a pair/start answer that pair/finish needs. */
interface PairStart {
  readonly pairing_id: string
  readonly pB: string
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const headers = { 'content-type': 'application/json' }
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
  if (response.status !== 200) {
    throw new Error(`${url}: ${response.status} ${await response.text()}`)
  }
  return response.json()
}

/** Opens a pairing window through the test-control interface (spec §12); returns its PIN. */
async function openWindow(url: string): Promise<string> {
  const answer = (await postJson(url + PATHS.testPin, { v: PROTOCOL_VERSION })) as { pin: string }
  return answer.pin
}

export async function pairClient(url: string): Promise<Credentials> {
  return pair({ url, pin: await openWindow(url), name: 'fuzz client' })
}

/** The live state the fuzz cases share: the device, and the client that signs. */
export class HttpDriver {
  readonly #url: string
  readonly #port: number
  readonly #deviceKey: Uint8Array
  credentials: Credentials

  constructor(url: string, credentials: Credentials) {
    this.#url = url
    this.#port = Number(new URL(url).port)
    this.#deviceKey = base64urlDecode(credentials.device_key, SIZES.ed25519PublicKey)
    this.credentials = credentials
  }

  /**
   * Builds the case's request. Live set-up (windows, pending pairings) happens here, so that a
   * batch sent at once competes for the device's budgets only with itself.
   */
  async prepare(c: HttpCase): Promise<RawRequest> {
    const [templateMethod, templatePath] = ROUTES[c.template]
    const value = c.jsonEdits.reduce(applyJsonEdit, await this.#templateBody(c))
    let body = value === undefined ? new Uint8Array(0) : utf8Encode(JSON.stringify(value))
    body = c.byteEdits.reduce(applyByteEdit, body)
    const method = c.method ?? templateMethod
    const target = (c.path ?? templatePath) + c.query
    const signature: Record<string, string> =
      c.sign === 'none' ? {} : { ...this.#sign(c.sign, method, target, body) }
    body = c.editsAfterSigning.reduce(applyByteEdit, body)
    let headers: [string, string][] = [
      ['host', `127.0.0.1:${this.#port}`],
      ['connection', 'close'],
      ...(body.length > 0 ? [['content-type', 'application/json'] as [string, string]] : []),
      ...(c.contentLength ? [['content-length', String(body.length)] as [string, string]] : []),
      ...Object.entries(signature),
    ]
    for (const { mode, name, value: text } of c.headerEdits) {
      if (mode === 'set') headers = headers.filter(([n]) => n !== name)
      headers.push([name, text])
    }
    return { method, target, headers, body }
  }

  /** Sends a prepared request on its own connection; every response to it, in order. */
  async send(request: RawRequest): Promise<RawResponse[]> {
    const bytes = await exchange(this.#port, encodeRequest(request), ANSWER_TIMEOUT_MS)
    return parseResponses(bytes, request.method)
  }

  /** Pairs the fuzz client again when a case unpaired it (DELETE clients/self succeeded). */
  async repairIfUnpaired(request: RawRequest, responses: readonly RawResponse[]): Promise<void> {
    const path = request.target.split('?')[0]
    const unpaired = path === PATHS.clientsSelf && responses.some((r) => r.status === 204)
    if (unpaired) this.credentials = await pairClient(this.#url)
  }

  #sign(alg: 'ed25519' | 'hmac-sha256', method: string, target: string, body: Uint8Array) {
    const { credentials } = this
    const key =
      alg === 'ed25519'
        ? base64urlDecode(credentials.client_seed)
        : requestHmacKey(base64urlDecode(credentials.pairing_key))
    const url = `http://127.0.0.1:${this.#port}${target}`
    const request = { method, url, headers: {}, ...(body.length > 0 ? { body } : {}) }
    const created = Math.floor(Date.now() / 1000)
    return signRequest({ request, keyid: credentials.client_id, alg, key, created })
  }

  async #templateBody(c: HttpCase): Promise<unknown> {
    const v = PROTOCOL_VERSION
    switch (c.template) {
      case 'test-pin':
      case 'tickets':
        return { v }
      case 'rpc':
        return { jsonrpc: '2.0', id: 1, method: METHODS.echo, params: ['fuzz'] }
      case 'pair-start':
        return { v, ...this.#share(await openWindow(this.#url)).message }
      case 'pair-finish':
        return this.#finishBody(c.rightConfirmation)
      default:
        return undefined
    }
  }

  /** A fresh client's pair/start message for `pin`, and its SPAKE2 state. */
  #share(pin: string) {
    const seed = defaultBackend.randomBytes(SIZES.ed25519PublicKey)
    const clientKey = defaultBackend.ed25519PublicKey(seed)
    const { pA, state } = startClientPairing({ pin, clientKey, deviceKey: this.#deviceKey })
    const message = {
      client_key: base64urlEncode(clientKey),
      client_name: 'fuzz',
      pA: base64urlEncode(pA),
    }
    return { message, state }
  }

  /** A real pending pairing, then its pair/finish body with the right or a random cA. */
  async #finishBody(rightConfirmation: boolean): Promise<unknown> {
    const { message, state } = this.#share(await openWindow(this.#url))
    const body = { v: PROTOCOL_VERSION, ...message }
    const start = (await postJson(this.#url + PATHS.pairStart, body)) as PairStart
    const pB = base64urlDecode(start.pB, SIZES.p256UncompressedPoint)
    const cA = rightConfirmation
      ? finishClientPairing(state, pB).cA
      : defaultBackend.randomBytes(SIZES.confirmationMac)
    return { v: PROTOCOL_VERSION, pairing_id: start.pairing_id, cA: base64urlEncode(cA) }
  }

}
