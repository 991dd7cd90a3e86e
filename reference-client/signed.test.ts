// Checks spec requirements: pw-sig-8.4-client-target-uri
import t from 'tap'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { utf8Encode } from '../protocol/encoding.ts'
import { parseSignedRequest, verifyParsedSignature } from '../protocol/httpsig/index.ts'
import { METHODS, PATHS, PROBLEMS, RPC_ERRORS, problemType } from '../protocol/registry.ts'
import { connect } from './connect.ts'
import { credentialKeys } from './credentials.ts'
import { ClientError, RpcError } from './errors.ts'
import { pair } from './pair.ts'
import { requestHmacKey, signedCall, signedFetch, unpair } from './signed.ts'
import { FAKE_PIN, startFakeDevice } from './test-fixture.ts'

async function paired(t: { teardown(fn: () => unknown): void }) {
  const device = await startFakeDevice()
  t.teardown(() => device.close())
  return { device, credentials: await pair({ url: device.url, pin: FAKE_PIN, name: 'signer' }) }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

t.test('signed requests cover @method, @target-uri, and content-digest iff a body', async (t) => {
  const { credentials } = await paired(t)
  const keys = credentialKeys(credentials)
  const seen: { url: string; init: RequestInit }[] = []
  const fetch = async (url: string, init?: RequestInit) => {
    seen.push({ url, init: init! })
    return new Response(null, { status: 204 })
  }
  for (const alg of ['ed25519', 'hmac-sha256'] as const) {
    for (const body of [undefined, '{"a":1}', utf8Encode('[]'), { b: 2 }]) {
      const before = Math.floor(Date.now() / 1000)
      await signedFetch(credentials, { method: 'POST', path: PATHS.rpc + '?x=1', body, alg, fetch })
      const after = Math.ceil(Date.now() / 1000)
      const { url, init } = seen.pop()!
      t.equal(url, credentials.url + PATHS.rpc + '?x=1')
      const headers = init.headers as Record<string, string>
      const sent = init.body === undefined ? undefined : new Uint8Array(init.body as Uint8Array)
      const parsed = parseSignedRequest({ method: 'POST', url, headers, body: sent })
      t.equal(parsed.params.alg, alg)
      t.equal(parsed.params.keyid, credentials.client_id)
      const { created } = parsed.params
      t.ok(created >= before && created <= after, `created ${created} is the signing time`)
      t.same(parsed.components, body === undefined
        ? ['@method', '@target-uri']
        : ['@method', '@target-uri', 'content-digest'])
      t.equal(headers['content-type'], body === undefined ? undefined : 'application/json')
      const key = alg === 'ed25519' ? keys.clientKey : requestHmacKey(keys.pairingKey)
      t.doesNotThrow(() => verifyParsedSignature(parsed, key))
    }
  }
})

t.test('@target-uri is the normalised URI the request is sent to, path and query as sent', async (t) => {
  const { credentials } = await paired(t)
  const { clientKey } = credentialKeys(credentials)
  const path = `${PATHS.rpc}?b=2&a=%20x`
  const origins: [given: string, normalised: string][] = [
    ['HTTP://Device.EXAMPLE:80', 'http://device.example'],
    ['https://Device.example:443', 'https://device.example'],
    ['https://device.example:8443', 'https://device.example:8443'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ]
  for (const [given, normalised] of origins) {
    const seen: { url: string; headers: Record<string, string>; body: Uint8Array }[] = []
    const fetch = async (url: string, init?: RequestInit) => {
      const headers = init!.headers as Record<string, string>
      seen.push({ url, headers, body: new Uint8Array(init!.body as Uint8Array) })
      return new Response(null, { status: 204 })
    }
    await signedFetch({ ...credentials, url: given }, { method: 'POST', path, body: { a: 1 }, fetch })
    const [{ url, headers, body }] = seen as [(typeof seen)[0]]
    t.equal(url, normalised + path, `${given}: sent to the normalised URI, path and query as given`)
    const verify = (uri: string) =>
      verifyParsedSignature(parseSignedRequest({ method: 'POST', url: uri, headers, body }), clientKey)
    t.doesNotThrow(() => verify(url), `${given}: @target-uri is that URI`)
    const otherPort = new URL(url)
    otherPort.port = '1'
    t.throws(() => verify(otherPort.href), { code: 'signature-invalid' }, `${given}: port covered`)
    t.throws(() => verify(normalised + PATHS.rpc), { code: 'signature-invalid' }, `${given}: query covered`)
  }
})

t.test('every request gets a fresh nonce', async (t) => {
  const { credentials } = await paired(t)
  const nonces = new Set<string>()
  const fetch = async (url: string, init?: RequestInit) => {
    const headers = init!.headers as Record<string, string>
    nonces.add(parseSignedRequest({ method: 'DELETE', url, headers }).params.nonce)
    return new Response(null, { status: 204 })
  }
  for (let i = 0; i < 20; i++) await unpair(credentials, { fetch })
  t.equal(nonces.size, 20)
})

t.test('the hmac-sha256 key is HKDF of the pairing key, distinct from it', async (t) => {
  const pairingKey = defaultBackend.randomBytes(32)
  const key = requestHmacKey(pairingKey)
  t.equal(key.length, 32)
  t.notSame(key, pairingKey)
  t.same(requestHmacKey(pairingKey), key, 'deterministic')
})

t.test('signedCall returns the result, or the RpcError of the answer', async (t) => {
  const { credentials } = await paired(t)
  t.same(await signedCall(credentials, METHODS.echo, { x: [1] }), { x: [1] })
  t.same(await signedCall(credentials, METHODS.echo, [2], { alg: 'hmac-sha256' }), [2])
  const error = await failure(signedCall(credentials, 'nope'))
  t.ok(error instanceof RpcError)
  t.equal((error as RpcError).code, RPC_ERRORS.methodNotFound.code)
})

t.test('an answer to another id is refused', async (t) => {
  const { credentials } = await paired(t)
  const fetch = async () => new Response(JSON.stringify({ jsonrpc: '2.0', id: 2, result: 1 }))
  const error = await failure(signedCall(credentials, METHODS.echo, {}, { fetch }))
  t.match(error, { kind: 'device-verification', what: 'rpc-response' })
})

t.test('after unpair the device refuses the client with unknown-key', async (t) => {
  const { device, credentials } = await paired(t)
  await unpair(credentials)
  t.equal(device.clients.size, 0)
  const attempts = [
    () => signedCall(credentials, METHODS.echo, {}),
    () => connect(credentials),
    () => unpair(credentials),
  ]
  for (const attempt of attempts) {
    const error = (await failure(attempt())) as ClientError
    t.equal(error.kind, 'problem')
    t.equal(error.problem!.type, problemType(PROBLEMS.unknownKey))
    t.equal(error.problem!.status, PROBLEMS.unknownKey.status)
  }
})

t.test('an algorithm outside the profile is a usage error', async (t) => {
  const { credentials } = await paired(t)
  const alg = 'rsa-pss-sha512' as 'ed25519'
  const error = await failure(signedFetch(credentials, { method: 'GET', path: '/', alg }))
  t.ok(error instanceof ClientError)
  t.match(error, { kind: 'usage' })
})
