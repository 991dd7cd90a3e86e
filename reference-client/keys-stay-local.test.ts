// Checks spec requirements: pw-sec-13.2-secrets-stay-local
/**
 * Spec §13.2 on the client side: the PIN, w, Ke, Ka, KcA, KcB and the pairing key never leave
 * the client. One client pairs, opens a session and calls, signs requests with both algorithms
 * and unpairs, while everything it sends is recorded: each HTTP request (URL, header fields,
 * body), each WebSocket frame, and each plaintext it encrypts into a frame (seen through a
 * recording crypto backend, which also picks up Ke, Ka, KcA and KcB as the client computes them).
 * None of the secrets may appear in any of it, raw or as base64url, base64 or hex.
 */
import t from 'tap'
import { defaultBackend, type CryptoBackend } from '../protocol/crypto/index.ts'
import {
  base64urlDecode,
  base64urlEncode,
  hexEncode,
  lengthPrefixed,
  utf8Decode,
  utf8Encode,
} from '../protocol/encoding.ts'
import { METHODS } from '../protocol/registry.ts'
import { passwordScalar } from '../protocol/spake2/index.ts'
import { connect } from './connect.ts'
import { nodeSocketFactory } from './node-websocket.ts'
import { pair } from './pair.ts'
import type { SocketFactory } from './platform.ts'
import { signedCall, unpair } from './signed.ts'
import { FAKE_PIN, startFakeDevice } from './test-fixture.ts'

// RFC 9382 §4: the KDF info of the confirmation keys starts with this label (then the AAD).
const CONFIRMATION_KEYS = utf8Encode('ConfirmationKeys')

const startsWith = (bytes: Uint8Array, prefix: Uint8Array): boolean =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)

/**
 * The default backend, recording the plaintexts it seals and the SPAKE2 keys it computes: Ke and
 * Ka are the halves of Hash(TT), TT starting with len(A) || A (A = the client key, RFC 9382
 * §3.3); KcA and KcB the halves of the KDF output whose info starts with "ConfirmationKeys".
 */
function recordingBackend(clientKey: Uint8Array) {
  const keys: Record<string, Uint8Array> = {}
  const sealed: Uint8Array[] = []
  const base = defaultBackend
  const backend: CryptoBackend = {
    ...base,
    sha256(data) {
      const digest = base.sha256(data)
      if (startsWith(data, lengthPrefixed(clientKey))) {
        Object.assign(keys, { Ke: digest.slice(0, 16), Ka: digest.slice(16) })
      }
      return digest
    },
    hkdfExpand(prk, info, length) {
      const okm = base.hkdfExpand(prk, info, length)
      if (startsWith(info, CONFIRMATION_KEYS)) {
        Object.assign(keys, { KcA: okm.slice(0, 16), KcB: okm.slice(16) })
      }
      return okm
    },
    aes256gcmSeal(key, nonce, ad, plaintext) {
      sealed.push(plaintext.slice())
      return base.aes256gcmSeal(key, nonce, ad, plaintext)
    },
  }
  return { backend, keys, sealed }
}

interface Sent {
  /** URLs, header fields and bodies of HTTP requests, and the sealed plaintexts, as text. */
  readonly texts: string[]
  /** Request bodies and WebSocket frames as bytes. */
  readonly bytes: Uint8Array[]
}

function recordingFetch(sent: Sent) {
  return (url: string, init?: RequestInit): Promise<Response> => {
    const body = init?.body instanceof Uint8Array ? init.body : utf8Encode(String(init?.body ?? ''))
    sent.texts.push(url, JSON.stringify(init?.headers ?? {}), utf8Decode(body))
    sent.bytes.push(body)
    return fetch(url, init)
  }
}

function recordingSockets(sent: Sent): SocketFactory {
  return (url, refuse) => {
    const socket = nodeSocketFactory(url, refuse)
    sent.texts.push(url)
    const send = socket.send.bind(socket)
    socket.send = (data) => {
      sent.bytes.push(data.slice())
      send(data)
    }
    return socket
  }
}

/** The forms a secret of `bytes` can take on the wire. */
function forms(bytes: Uint8Array): string[] {
  const hex = hexEncode(bytes)
  const base64 = Buffer.from(bytes).toString('base64').replace(/=+$/, '')
  return [base64urlEncode(bytes), base64, hex, hex.toUpperCase()]
}

function found(sent: Sent, secret: Uint8Array | string): boolean {
  const needle = typeof secret === 'string' ? [secret] : forms(secret)
  if (sent.texts.some((text) => needle.some((form) => text.includes(form)))) return true
  const raw = Buffer.from(typeof secret === 'string' ? utf8Encode(secret) : secret)
  return sent.bytes.some((bytes) => Buffer.from(bytes).includes(raw))
}

t.test('no secret of the pairing leaves the client, in clear or in a frame', async (t) => {
  const device = await startFakeDevice()
  t.teardown(() => device.close())
  const clientSeed = defaultBackend.randomBytes(32)
  const { backend, keys, sealed } = recordingBackend(defaultBackend.ed25519PublicKey(clientSeed))
  const sent: Sent = { texts: [], bytes: [] }
  const fetch = recordingFetch(sent)
  const options = { fetch, backend, socketFactory: recordingSockets(sent) }

  const pairing = { url: device.url, pin: FAKE_PIN, name: 'local', clientSeed, fetch, backend }
  const credentials = await pair(pairing)
  const session = await connect(credentials, options)
  t.same(await session.call(METHODS.echo, { n: 1 }), { n: 1 })
  await session.close()
  for (const alg of ['ed25519', 'hmac-sha256'] as const) {
    await signedCall(credentials, METHODS.echo, [alg], { ...options, alg })
  }
  await unpair(credentials, options)
  sent.texts.push(...sealed.map(utf8Decode))

  const secrets: Record<string, Uint8Array | string> = {
    PIN: FAKE_PIN,
    w: passwordScalar(FAKE_PIN).wBytes,
    ...keys,
    'pairing key': base64urlDecode(credentials.pairing_key),
  }
  t.same(Object.keys(secrets).sort(), ['Ka', 'KcA', 'KcB', 'Ke', 'PIN', 'pairing key', 'w'])
  t.equal(sealed.length, 2, 'sealed: the message 1 payload and the echo request')
  t.equal(sent.bytes.length, 9, 'sent: 7 HTTP requests and 2 frames')
  t.same(Object.keys(secrets).filter((name) => found(sent, secrets[name]!)), [], 'none found')
  t.ok(found(sent, credentials.client_id), 'the search sees a value that is sent')
  t.ok(found(sent, utf8Encode(`"${METHODS.echo}"`)), 'and a sealed plaintext')
})
