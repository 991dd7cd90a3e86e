// Checks spec requirements: pw-sig-8.3-hmac-key, pw-sig-8.2-covered-components, pw-sig-8.2-parameters, pw-sig-8.2-any-parameter-order, pw-sig-8.7-signature-missing, pw-sig-8.7-malformed-signature, pw-sig-8.7-missing-component, pw-sig-8.7-unsupported-algorithm, pw-sig-8.7-digest-mismatch, pw-sig-8.7-signature-invalid
/**
 * The Pairwire profile of RFC 9421 (spec §8): the exact wire format, the order in which a server
 * rejects a request (parse -> verify -> time), and properties under every backend.
 */
import t from 'tap'
import { availableBackends, type CryptoBackend } from '../crypto/index.ts'
import { base64urlEncode, utf8Decode, utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { clientIdOf } from '../ids.ts'
import { LABELS } from '../registry.ts'
import { contentDigest } from './content-digest.ts'
import {
  checkSignatureTime,
  coveredComponents,
  newNonce,
  parseSignedRequest,
  signRequest,
  verifyParsedSignature,
} from './profile.ts'
import type { HttpRequest } from './request.ts'
import {
  Token,
  parseInnerListDictionary,
  serializeInnerListDictionary,
  type BareItem,
} from './structured-fields.ts'

const backends = await availableBackends()
const SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
const SECRET = utf8Encode('a shared secret of any length')
const NONCE = base64urlEncode(Uint8Array.from({ length: 16 }, (_, i) => i))
const CREATED = 1_700_000_000
const URL_RPC = 'https://device.local:8443/pairwire/v1/rpc'
const BODY = utf8Encode('{"jsonrpc":"2.0","id":1,"method":"pairwire.echo","params":{}}')
const post: HttpRequest = { method: 'POST', url: URL_RPC, headers: {}, body: BODY }
const get: HttpRequest = { method: 'GET', url: URL_RPC, headers: {} }

const publicKey = (backend: CryptoBackend): Uint8Array => backend.ed25519PublicKey(SEED)
const keyid = clientIdOf(backends[0]!.ed25519PublicKey(SEED))

function sign(request: HttpRequest, alg = 'ed25519', backend = backends[0]!): HttpRequest {
  const key = alg === 'ed25519' ? SEED : SECRET
  const fields = signRequest({ request, keyid, alg, key, created: CREATED, nonce: NONCE, backend })
  return { ...request, headers: { ...request.headers, ...fields } }
}

function verify(request: HttpRequest, alg = 'ed25519', backend = backends[0]!): unknown {
  const parsed = parseSignedRequest(request, backend)
  return verifyParsedSignature(parsed, alg === 'ed25519' ? publicKey(backend) : SECRET, backend)
}

/** Rewrites the pw member of Signature-Input, as an attacker or a broken client would. */
type ParamsEdit = (params: Map<string, BareItem>) => void

function editInput(request: HttpRequest, edit: ParamsEdit): HttpRequest {
  const inputs = parseInnerListDictionary(String(request.headers['signature-input']))
  edit(inputs.get(LABELS.signatureLabel)!.params)
  const headers = { ...request.headers, 'signature-input': serializeInnerListDictionary(inputs) }
  return { ...request, headers }
}

const withHeaders = (r: HttpRequest, headers: HttpRequest['headers']): HttpRequest => ({
  ...r,
  headers: { ...r.headers, ...headers },
})

function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (e) {
    return e instanceof ProtocolError ? e.code : `untyped: ${String(e)}`
  }
}

t.test('the wire format of a signed request with a body', async (t) => {
  const fields = signRequest({
    request: post,
    keyid,
    alg: 'ed25519',
    key: SEED,
    created: CREATED,
    nonce: NONCE,
  })
  t.same(Object.keys(fields), ['signature-input', 'signature', 'content-digest'])
  t.equal(
    fields['signature-input'],
    `pw=("@method" "@target-uri" "content-digest");created=1700000000;` +
      `nonce="AAECAwQFBgcICQoLDA0ODw";keyid="${keyid}";alg="ed25519"`,
  )
  t.match(fields.signature, /^pw=:[A-Za-z0-9+/]{86}==:$/, '64-byte Ed25519 signature')
  t.equal(fields['content-digest'], contentDigest(BODY))
  const parsed = parseSignedRequest(sign(post))
  t.equal(
    utf8Decode(parsed.signatureBase),
    '"@method": POST\n' +
      '"@target-uri": https://device.local:8443/pairwire/v1/rpc\n' +
      `"content-digest": ${fields['content-digest']}\n` +
      `"@signature-params": ${fields['signature-input'].slice('pw='.length)}`,
  )
})

t.test('without a body: no content-digest, and expires is written after created', async (t) => {
  const fields = signRequest({
    request: { ...get, body: new Uint8Array(0) },
    keyid: 'pwc_x',
    alg: 'hmac-sha256',
    key: SECRET,
    created: CREATED,
    expires: CREATED + 60,
    nonce: NONCE,
  })
  t.same(Object.keys(fields), ['signature-input', 'signature'])
  t.equal(
    fields['signature-input'],
    'pw=("@method" "@target-uri");created=1700000000;expires=1700000060;' +
      'nonce="AAECAwQFBgcICQoLDA0ODw";keyid="pwc_x";alg="hmac-sha256"',
  )
  t.match(fields.signature, /^pw=:[A-Za-z0-9+/]{43}=:$/, '32-byte HMAC')
  t.same(coveredComponents(get), ['@method', '@target-uri'])
  t.same(coveredComponents(post), ['@method', '@target-uri', 'content-digest'])
})

t.test('sign, parse and verify under every backend and algorithm', async (t) => {
  for (const backend of backends) {
    for (const alg of ['ed25519', 'hmac-sha256']) {
      for (const request of [post, get]) {
        const name = `${backend.name} ${alg} ${request.method}`
        const signed = sign(request, alg, backend)
        const parsed = parseSignedRequest(signed, backend)
        t.equal(parsed.label, 'pw', name)
        t.same(parsed.components, coveredComponents(request), name)
        t.same(parsed.params, { created: CREATED, nonce: NONCE, keyid, alg }, name)
        t.same(verify(signed, alg, backend), parsed.params, `${name}: verifies`)
        t.ok(checkSignatureTime(parsed.params, CREATED, 30), `${name}: on time`)
      }
    }
  }
})

t.test('field names are case-insensitive and the nonce defaults to a fresh one', async (t) => {
  const fields = signRequest({ request: post, keyid, alg: 'ed25519', key: SEED, created: CREATED })
  const signed = {
    ...post,
    headers: {
      'Signature-Input': fields['signature-input'],
      SIGNATURE: fields.signature,
      'Content-Digest': fields['content-digest'],
    },
  }
  const params = verify(signed) as { nonce: string }
  t.match(params.nonce, /^[A-Za-z0-9_-]{22}$/)
  t.not(newNonce(), newNonce(), 'nonces are random')
})

t.test('a request without a Pairwire signature is malformed-signature "absent"', async (t) => {
  const signed = sign(post)
  const input = signed.headers['signature-input']
  const absent = { code: 'signature-missing' }
  const cases: [string, HttpRequest['headers']][] = [
    ['no signature fields', {}],
    ['Signature-Input only', { 'signature-input': input }],
    ['Signature only', { signature: signed.headers.signature }],
    ['empty fields', { 'signature-input': '', signature: '' }],
    ['another label', { 'signature-input': 'sig1=("@method")', signature: 'sig1=:AA==:' }],
    ['no pw in Signature', { 'signature-input': input, signature: 'x=::' }],
  ]
  for (const [why, headers] of cases) {
    t.throws(() => parseSignedRequest({ ...post, headers }), absent, why)
  }
})

t.test('structured-field syntax errors are malformed-signature', async (t) => {
  const signed = sign(post)
  const cases: [string, HttpRequest['headers']][] = [
    ['unterminated inner list', { 'signature-input': 'pw=("@method" "@target-uri"' }],
    ['uppercase label', { 'signature-input': 'PW=("@method")' }],
    ['signature not a byte sequence', { signature: 'pw=("@method")' }],
    ['bad base64', { signature: 'pw=:!!!!:' }],
  ]
  for (const [why, headers] of cases) {
    const error = { code: 'malformed-signature', detail: /^(?!absent$)/ }
    t.throws(() => parseSignedRequest(withHeaders(signed, headers)), error, why)
  }
})

t.test('covered components must be exactly the profile\'s: missing-component', async (t) => {
  const signed = sign(post)
  const sigInput = (list: string): HttpRequest['headers'] => ({
    'signature-input': `pw=(${list});created=1;nonce="${NONCE}";keyid="k";alg="ed25519"`,
  })
  const cases: [string, HttpRequest, HttpRequest['headers']][] = [
    ['content-digest not covered', signed, sigInput('"@method" "@target-uri"')],
    ['extra component', signed, sigInput('"@method" "@target-uri" "content-digest" "date"')],
    ['other order', signed, sigInput('"@target-uri" "@method" "content-digest"')],
    ['component parameter', signed, sigInput('"@method";req "@target-uri" "content-digest"')],
    ['unknown derived component', signed, sigInput('"@method" "@foo" "content-digest"')],
    ['content-digest without a body', { ...signed, body: undefined }, {}],
  ]
  for (const [why, request, headers] of cases) {
    const missing = { code: 'missing-component' }
    t.throws(() => parseSignedRequest(withHeaders(request, headers)), missing, why)
  }
})

t.test('parameters: absent is missing-component, wrong shape is malformed-signature', async (t) => {
  const signed = sign(post)
  const cases: [string, ParamsEdit, string][] = [
    ['no created', (p) => p.delete('created'), 'missing-component'],
    ['no nonce', (p) => p.delete('nonce'), 'missing-component'],
    ['no keyid', (p) => p.delete('keyid'), 'missing-component'],
    ['no alg', (p) => p.delete('alg'), 'missing-component'],
    ['created a string', (p) => p.set('created', '1700000000'), 'malformed-signature'],
    ['created negative', (p) => p.set('created', -1), 'malformed-signature'],
    ['expires a boolean', (p) => p.set('expires', true), 'malformed-signature'],
    ['nonce a token', (p) => p.set('nonce', new Token('abc')), 'malformed-signature'],
    ['nonce of 15 bytes', (p) => p.set('nonce', NONCE.slice(0, 20)), 'malformed-signature'],
    ['nonce not base64url', (p) => p.set('nonce', NONCE.slice(0, 21) + '+'), 'malformed-signature'],
    ['keyid an integer', (p) => p.set('keyid', 7), 'malformed-signature'],
    ['alg a token', (p) => p.set('alg', new Token('ed25519')), 'malformed-signature'],
    ['unknown parameter', (p) => p.set('tag', 'x'), 'malformed-signature'],
    ['unsupported alg', (p) => p.set('alg', 'rsa-pss-sha512'), 'unsupported-algorithm'],
  ]
  for (const [why, edit, code] of cases) {
    t.equal(codeOf(() => parseSignedRequest(editInput(signed, edit))), code, why)
  }
})

t.test('a body must match its Content-Digest: digest-mismatch', async (t) => {
  const signed = sign(post)
  const tampered = Uint8Array.from(BODY)
  tampered[5]! ^= 0x20
  const mismatch = { code: 'digest-mismatch' }
  t.throws(() => parseSignedRequest({ ...signed, body: tampered }), mismatch, 'tampered body')
  const noDigest = withHeaders(signed, { 'content-digest': undefined })
  t.throws(() => parseSignedRequest(noDigest), { ...mismatch, detail: 'absent' }, 'absent')
  const other = withHeaders(signed, { 'content-digest': 'sha-512=:AA==:' })
  t.throws(() => parseSignedRequest(other), mismatch, 'no sha-256')
})

t.test('the first failing check decides the error (spec §8 order)', async (t) => {
  const signed = sign(post)
  const badAlg = editInput(signed, (p) => p.set('alg', 'rsa-pss-sha512'))
  const noKeyid = editInput(badAlg, (p) => p.delete('keyid'))
  const tampered = { ...badAlg, body: utf8Encode('{}') }
  t.equal(codeOf(() => parseSignedRequest(noKeyid)), 'missing-component', 'params before alg')
  t.equal(codeOf(() => parseSignedRequest(tampered)), 'unsupported-algorithm', 'alg before digest')
  const garbled = withHeaders(tampered, { signature: 'pw=:!:' })
  t.equal(codeOf(() => parseSignedRequest(garbled)), 'malformed-signature', 'syntax first')
})

t.test('anything covered that changes fails verification: signature-invalid', async (t) => {
  for (const backend of backends) {
    for (const alg of ['ed25519', 'hmac-sha256']) {
      const signed = sign(post, alg, backend)
      const invalid = { code: 'signature-invalid' }
      const name = `${backend.name} ${alg}`
      const body = utf8Encode('{"jsonrpc":"2.0","id":2}')
      const rehashed = withHeaders({ ...signed, body }, { 'content-digest': contentDigest(body) })
      const cases: [string, HttpRequest][] = [
        ['created', editInput(signed, (p) => p.set('created', CREATED + 1))],
        ['nonce', editInput(signed, (p) => p.set('nonce', newNonce(backend)))],
        ['keyid', editInput(signed, (p) => p.set('keyid', 'pwc_other'))],
        ['expires added', editInput(signed, (p) => p.set('expires', CREATED + 10))],
        ['method', { ...signed, method: 'PUT' }],
        ['url', { ...signed, url: URL_RPC + '?x=1' }],
        ['body and digest', rehashed],
        ['signature', withHeaders(signed, { signature: 'pw=:' + 'A'.repeat(86) + '==:' })],
      ]
      for (const [why, request] of cases) {
        t.throws(() => verify(request, alg, backend), invalid, `${name}: ${why}`)
      }
      const otherSeed = new Uint8Array(32).fill(9)
      const wrongKey = alg === 'ed25519' ? backend.ed25519PublicKey(otherSeed) : SEED
      const parsed = parseSignedRequest(signed, backend)
      t.throws(() => verifyParsedSignature(parsed, wrongKey, backend), invalid, `${name}: key`)
    }
  }
})

t.test('the clock check (spec §8) is pure and separate', async (t) => {
  const params = { created: CREATED }
  t.ok(checkSignatureTime(params, CREATED + 30, 30), '30 s late is on time')
  t.ok(checkSignatureTime(params, CREATED - 30, 30), '30 s early is on time')
  t.notOk(checkSignatureTime(params, CREATED + 31, 30), 'created too far in the past')
  t.notOk(checkSignatureTime(params, CREATED - 31, 30), 'created too far in the future')
  const expiring = { created: CREATED, expires: CREATED + 5 }
  t.ok(checkSignatureTime(expiring, CREATED + 5, 30), 'expires = now is still valid')
  t.notOk(checkSignatureTime(expiring, CREATED + 6, 30), 'expires < now')
})

t.test('signRequest refuses what parseSignedRequest would refuse', async (t) => {
  const base = { request: post, keyid, alg: 'ed25519', key: SEED, created: CREATED, nonce: NONCE }
  const cases: [string, Partial<typeof base> & { expires?: number }, string][] = [
    ['unsupported alg', { alg: 'hs2019' }, 'unsupported-algorithm'],
    ['short nonce', { nonce: 'abc' }, 'malformed-signature'],
    ['negative created', { created: -5 }, 'malformed-signature'],
    ['fractional created', { created: 1.5 }, 'malformed-signature'],
    ['fractional expires', { expires: 1.5 }, 'malformed-signature'],
    ['keyid not printable ASCII', { keyid: 'pwc_\n' }, 'malformed-signature'],
    ['short seed', { key: SEED.subarray(1) }, 'invalid-key'],
    ['empty HMAC secret', { alg: 'hmac-sha256', key: new Uint8Array(0) }, 'invalid-key'],
    ['method with a line break', { request: { ...post, method: 'POST\n' } }, 'malformed-signature'],
    ['relative url', { request: { ...post, url: '/pairwire/v1/rpc' } }, 'missing-component'],
  ]
  for (const [why, change, code] of cases) {
    t.equal(codeOf(() => signRequest({ ...base, ...change })), code, why)
  }
})

t.test('parameters in any order verify when signed in that order (pw-sig-8.2-any-parameter-order)', async (t) => {
  const backend = backends[0]!
  const reordered = editInput(sign(post), (params) => {
    const entries = [...params.entries()].reverse()
    params.clear()
    for (const [k, v] of entries) params.set(k, v)
  })
  t.match(String(reordered.headers['signature-input']), /^pw=\(.*\);alg="ed25519";keyid=/)
  const parsed = parseSignedRequest(reordered, backend)
  const signature = backend.ed25519Sign(SEED, parsed.signatureBase)
  const resigned: HttpRequest = {
    ...reordered,
    headers: { ...reordered.headers, signature: `pw=:${Buffer.from(signature).toString('base64')}:` },
  }
  t.same(verify(resigned), { created: CREATED, nonce: NONCE, keyid, alg: 'ed25519' })
  t.throws(() => verify(reordered), { code: 'signature-invalid' }, 'the order is part of the base')
})

t.test('the hmac request key is HKDF-SHA256 of the pairing key (spec §8.3)', async (t) => {
  const { requestHmacKey } = await import('./profile.ts')
  const pairingKey = Uint8Array.from({ length: 32 }, (_, i) => i)
  for (const backend of backends) {
    const info = utf8Encode('pairwire/1 request hmac key')
    const expected = backend.hkdfExpand(backend.hkdfExtract(new Uint8Array(32), pairingKey), info, 32)
    t.same(requestHmacKey(pairingKey, backend), expected, backend.name)
  }
})
