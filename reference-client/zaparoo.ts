/**
 * The reference client of the zaparoo-v1 profile (spec/profiles/zaparoo-v1.md §2 - §5), Node only:
 * pair with a Zaparoo Core by its 6-digit PIN and call one JSON-RPC method over its encrypted
 * WebSocket. Built on protocol/profiles/zaparoo-v1 alone. The server's confirmation is verified
 * before anything is kept (§4.2), and msgB is decoded strictly (§3.1), so a device that fails
 * either is reported as failing verification, never stored.
 *
 * Credentials are the profile's own (authToken, clientId, the 32-byte pairing key), in their own
 * file, never mixed with Pairwire 1 credentials; `pairing_key` and `auth_token` are secrets and
 * are never printed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import WebSocket from 'ws'
import {
  clientFinish,
  clientMessage,
  clientShare,
  confirmationMac,
  decodePakeMessage,
  encodePakeMessage,
  FrameCipher,
  pairingKeys,
  randomScalar,
  SALT_BYTES,
  sessionKeys,
  U,
  V,
  type Coordinates,
  type PakeMessage,
} from '../protocol/profiles/zaparoo-v1/index.ts'
import { userConfigDirectory } from './credentials-file.ts'
import { ClientError } from './errors.ts'
import { deviceOrigin } from './urls.ts'

export const ZAPAROO_PROFILE = 'zaparoo-v1' as const
// In the same per-user directory as the Pairwire credentials (credentials-file.ts says why).
export const DEFAULT_ZAPAROO_CREDENTIALS_FILE = join(userConfigDirectory(), 'zaparoo-credentials.json')
/** §5: the WebSocket path of the current API version. */
const WS_PATH = '/api/v0.1'
/** §5.1: the only encryption version of the first frame. */
const FRAME_VERSION = 1
const PIN = /^[0-9]{6}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface ZaparooCredentials {
  readonly profile: typeof ZAPAROO_PROFILE
  /** The device's origin, e.g. http://192.168.1.20:7497. */
  readonly url: string
  readonly client_id: string
  /** Secret: the bearer token of the first frame. */
  readonly auth_token: string
  /** Secret: the 32-byte pairing key, standard base64. */
  readonly pairing_key: string
  readonly name: string
  readonly paired_at: number
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
const unb64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'))
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * §1: remote pairing requests are limited to 1/s per IP, shared by start and finish, so a remote
 * pair/finish sent right after pair/start gets 429. The limiter answers before the request is
 * handled (no attempt is spent), so the client waits and sends the same request again.
 */
const RATE_LIMITED = 429
const RATE_WAIT_MS = 1100
const RATE_RETRIES = 3

async function postOnce(url: string, body: object): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
    })
  } catch (cause) {
    throw ClientError.transport('the device could not be reached', cause)
  }
}

/** POSTs JSON; a non-200 answer is the device refusing, in its own words. */
async function postJson(url: string, body: object): Promise<Record<string, unknown>> {
  let response = await postOnce(url, body)
  for (let retry = 0; response.status === RATE_LIMITED && retry < RATE_RETRIES; retry++) {
    await response.arrayBuffer().catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, RATE_WAIT_MS))
    response = await postOnce(url, body)
  }
  let text: string
  try {
    text = await response.text()
  } catch (cause) {
    throw ClientError.transport('the answer could not be read', cause)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  if (response.status !== 200) {
    // §2.2 - §2.3: errors are {"error": "..."}; a 429 is plain text (finding zp-find-7.5).
    const said = isRecord(json) && typeof json['error'] === 'string' ? json['error'] : text
    throw ClientError.refusal(response.status, said)
  }
  return isRecord(json) ? json : {}
}

function samePoint(a: Coordinates, b: Coordinates): boolean {
  return a.x === b.x && a.y === b.y
}

/** §3.1: msgB is role 1, carries the constants U and V and echoes the client's X. */
function checkedMsgB(pake: unknown, X: Coordinates): { msgB: Uint8Array; message: PakeMessage } {
  if (typeof pake !== 'string') throw ClientError.verification('zaparoo-pair-start')
  const msgB = unb64(pake)
  let message: PakeMessage
  try {
    message = decodePakeMessage(msgB)
  } catch (cause) {
    throw ClientError.verification('zaparoo-pair-start', cause)
  }
  const constants = samePoint(message.u, U) && samePoint(message.v, V)
  if (message.role !== 1 || !constants || !samePoint(message.x, X)) {
    throw ClientError.verification('zaparoo-pair-start')
  }
  return { msgB, message }
}

export interface ZaparooPairOptions {
  readonly url: string
  readonly pin: string
  readonly name: string
}

/** §2.2 - §2.3 and §4: pair/start, K, both confirmations, pair/finish. */
export async function pairZaparoo(options: ZaparooPairOptions): Promise<ZaparooCredentials> {
  if (!PIN.test(options.pin)) throw ClientError.usage('--pin must be the 6 digits the device shows')
  const url = deviceOrigin(options.url)
  const alpha = randomScalar()
  const X = clientShare(options.pin, alpha)
  const msgA = encodePakeMessage(clientMessage(X))
  const started = await postJson(`${url}/api/pair/start`, { pake: b64(msgA), name: options.name })
  const session = started['session']
  if (typeof session !== 'string') throw ClientError.verification('zaparoo-pair-start')
  const { msgB, message } = checkedMsgB(started['pake'], X)
  let K: Uint8Array
  try {
    K = clientFinish(options.pin, alpha, X, message.y)
  } catch (cause) {
    throw ClientError.verification('zaparoo-pair-start', cause)
  }
  const keys = pairingKeys(K, msgA, msgB)
  const confirm = confirmationMac(keys.confirmKeyA, 'client', options.name, msgA, msgB)
  const finished = await postJson(`${url}/api/pair/finish`, { session, confirm: b64(confirm) })
  const { authToken, clientId } = finished
  if (typeof authToken !== 'string' || typeof clientId !== 'string' || !UUID.test(clientId)) {
    throw ClientError.verification('zaparoo-pair-finish')
  }
  const expected = confirmationMac(keys.confirmKeyB, 'server', options.name, msgA, msgB)
  const got = typeof finished['confirm'] === 'string' ? unb64(finished['confirm']) : new Uint8Array()
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw ClientError.verification('zaparoo-confirm')
  }
  return {
    profile: ZAPAROO_PROFILE,
    url,
    client_id: clientId,
    auth_token: authToken,
    pairing_key: b64(keys.pairingKey),
    name: options.name,
    paired_at: Math.floor(Date.now() / 1000),
  }
}

export async function readZaparooCredentials(path: string): Promise<ZaparooCredentials> {
  let value: unknown
  try {
    value = JSON.parse(await readFile(path, 'utf8'))
  } catch {
    throw ClientError.usage(`the zaparoo-v1 credentials file cannot be read as JSON: ${path}`)
  }
  const ok =
    isRecord(value) &&
    value['profile'] === ZAPAROO_PROFILE &&
    ['url', 'client_id', 'auth_token', 'pairing_key', 'name'].every((k) => typeof value[k] === 'string') &&
    unb64(value['pairing_key'] as string).length === 32
  if (!ok) throw ClientError.usage(`not zaparoo-v1 credentials: ${path}`)
  return value as unknown as ZaparooCredentials
}

/** The credentials without auth_token and pairing_key: the only form ever printed. */
export function publicZaparooCredentials(c: ZaparooCredentials): object {
  const { auth_token: _token, pairing_key: _key, ...rest } = c
  return rest
}

/**
 * §5.1 - §5.2: one encrypted session carrying one request. The request rides in the first frame
 * {"v":1,"e","t","s"} with a fresh salt; the answer is the first s2c frame whose id matches
 * (notifications before it are opened, which keeps the s2c counter, and dropped). A plaintext
 * error (-32001, -32002) or a close before the answer is the device refusing.
 */
export async function callZaparoo(
  credentials: ZaparooCredentials,
  method: string,
  params: unknown,
): Promise<unknown> {
  const salt = randomBytes(SALT_BYTES)
  const keys = sessionKeys(unb64(credentials.pairing_key), salt)
  const c2s = new FrameCipher(keys.c2sKey, keys.c2sBase, credentials.auth_token)
  const s2c = new FrameCipher(keys.s2cKey, keys.s2cBase, credentials.auth_token)
  const id = 1
  const request = { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }
  const first = {
    v: FRAME_VERSION,
    e: b64(c2s.seal(utf8(JSON.stringify(request)))),
    t: credentials.auth_token,
    s: b64(salt),
  }
  const ws = new WebSocket(`${credentials.url.replace(/^http/, 'ws')}${WS_PATH}`, {
    perMessageDeflate: false,
  })
  try {
    let refusal: string | undefined
    return await new Promise<unknown>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify(first)))
      ws.once('error', (cause) => reject(ClientError.transport('the device could not be reached', cause)))
      ws.on('close', (code, reason) => {
        const said = refusal ?? (reason.toString('utf8') || 'before answering')
        reject(ClientError.closed({ code, reason: said }))
      })
      ws.on('message', (data, binary) => {
        if (binary) return
        let frame: unknown
        try {
          frame = JSON.parse(data.toString('utf8'))
        } catch {
          return reject(ClientError.verification('frame'))
        }
        if (isRecord(frame) && typeof frame['e'] === 'string') {
          let text: string
          try {
            text = new TextDecoder('utf-8', { fatal: true }).decode(s2c.open(unb64(frame['e'])))
          } catch (cause) {
            return reject(ClientError.verification('frame-auth', cause))
          }
          let answer: unknown
          try {
            answer = JSON.parse(text)
          } catch (cause) {
            return reject(ClientError.verification('rpc-response', cause))
          }
          if (isRecord(answer) && answer['id'] === id) resolve(answer)
          return
        }
        // A plaintext frame on a socket that sent a first frame: the device's refusal (§5.1),
        // reported with the close that follows it.
        const error = isRecord(frame) && isRecord(frame['error']) ? frame['error'] : undefined
        if (error !== undefined) {
          const code = typeof error['code'] === 'number' ? error['code'] : ''
          const said = typeof error['message'] === 'string' ? error['message'] : ''
          refusal = `${code} ${said}`.replace(/[^\x20-\x7e]/g, ' ').trim().slice(0, 200)
        }
      })
    })
  } finally {
    ws.terminate()
  }
}
