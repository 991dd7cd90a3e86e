/**
 * Re-verifies every vector of vectors/signing.json against the protocol core (spec §8), under both
 * crypto backends: a device that parses, looks the keyid up, verifies, checks the time and claims
 * the nonce in the order of spec §8.7 must reach exactly the vector's verdict. Valid requests of
 * the canonical shape are also re-signed with signRequest and must come out byte for byte.
 */
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { availableBackends, hkdfSha256, type CryptoBackend } from '../protocol/crypto/index.ts'
import { hexDecode, hexEncode, utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import { isProtocolError } from '../protocol/errors.ts'
import {
  checkSignatureTime, parseSignedRequest, signRequest, verifyParsedSignature, type HttpRequest,
  type ParsedSignedRequest,
} from '../protocol/httpsig/index.ts'
import { clientIdOf } from '../protocol/ids.ts'
import { LABELS, PROBLEMS, problemType, SIZES, type ProblemEntry } from '../protocol/registry.ts'
import type { SigningVectorFile } from '../schemas/src/vectors.ts'

const file = JSON.parse(
  readFileSync(new URL('./signing.json', import.meta.url), 'utf8'),
) as SigningVectorFile
type Group = SigningVectorFile['testGroups'][number]
type Vector = Group['tests'][number]

const EXPECTED_TESTS = 90
const byName = new Map<string, ProblemEntry>(Object.values(PROBLEMS).map((p) => [p.name, p]))

const httpRequest = (v: Vector): HttpRequest => ({
  method: v.method,
  url: v.url,
  headers: v.headers,
  ...(v.body === undefined ? {} : { body: utf8Encode(v.body) }),
})

/** Spec §8.7 steps 1-6, with the ProtocolError code mapped to its problem of the same name. */
function parse(v: Vector, backend: CryptoBackend): ParsedSignedRequest | ProblemEntry {
  try {
    return parseSignedRequest(httpRequest(v), backend)
  } catch (e) {
    if (isProtocolError(e) && byName.has(e.code)) return byName.get(e.code)!
    throw e
  }
}

/** The device's verdict: spec §8.7 steps 1-10, in order. */
function verdict(g: Group, v: Vector, backend: CryptoBackend, t: Test): ProblemEntry | 'valid' {
  const parsed = parse(v, backend)
  const base = 'signature_base' in v ? v.signature_base : undefined
  t.equal('signatureBase' in parsed, base !== undefined, `tcId ${v.tcId} parses`)
  if (!('signatureBase' in parsed)) return parsed
  t.equal(utf8Decode(parsed.signatureBase), base, `tcId ${v.tcId} signature base`)
  const { keyid, alg, nonce } = parsed.params
  const client = g.clients.find((c) => c.client_id === keyid)
  if (client === undefined) return PROBLEMS.unknownKey
  const key = hexDecode(alg === 'ed25519' ? client.client_key : client.hmac_key)
  try {
    verifyParsedSignature(parsed, key, backend)
  } catch (e) {
    if (isProtocolError(e, 'signature-invalid')) return PROBLEMS.signatureInvalid
    throw e
  }
  if (!checkSignatureTime(parsed.params, v.now, g.skew)) return PROBLEMS.clockSkew
  const claimed = v.replay_store.some((c) => c.keyid === keyid && c.nonce === nonce)
  return claimed ? PROBLEMS.replayedNonce : 'valid'
}

/** A valid request of the canonical shape is exactly what signRequest produces. */
function resign(g: Group, v: Vector, parsed: ParsedSignedRequest, backend: CryptoBackend, t: Test) {
  const { created, expires, nonce, keyid, alg } = parsed.params
  const key = hexDecode(alg === 'ed25519' ? g.signer.client_seed : g.signer.hmac_key)
  const request = { ...httpRequest(v), headers: {} }
  const fields = signRequest({ request, keyid, alg, key, created, nonce, backend,
    ...(expires === undefined ? {} : { expires }) })
  t.same(fields, {
    'signature-input': v.headers['Signature-Input'],
    signature: v.headers['Signature'],
    ...(v.body === undefined ? {} : { 'content-digest': v.headers['Content-Digest'] }),
  }, `tcId ${v.tcId} re-signed`)
}

function runVector(t: Test, g: Group, v: Vector, backend: CryptoBackend): void {
  const got = verdict(g, v, backend, t)
  switch (v.result) {
    case 'valid': {
      t.equal(got, 'valid', `tcId ${v.tcId} ${v.comment}`)
      const canonical = v.flags.includes('SpecExample') || v.flags.includes('ValidSignature')
      if (canonical) resign(g, v, parse(v, backend) as ParsedSignedRequest, backend, t)
      break
    }
    case 'invalid':
      t.equal(got === 'valid' ? got : problemType(got), v.problem, `tcId ${v.tcId} ${v.comment}`)
      t.equal(byName.get(v.problem.slice(LABELS.problemTypePrefix.length))?.status, v.status)
      break
    default: t.fail(`tcId ${(v as { tcId: number }).tcId}: unknown result`)
  }
}

function checkParties(t: Test, g: Group, backend: CryptoBackend): void {
  const info = utf8Encode(LABELS.requestHmacKeyInfo)
  const pairingKey = hexDecode(g.signer.pairing_key)
  const hmacKey = hkdfSha256(backend, pairingKey, new Uint8Array(0), info, SIZES.pairingKey)
  t.equal(g.signer.hmac_key, hexEncode(hmacKey), 'request HMAC key (spec §8.3)')
  const publicKey = backend.ed25519PublicKey(hexDecode(g.signer.client_seed))
  t.equal(clientIdOf(publicKey, backend), g.signer.client_id)
  const registered = g.clients.find((c) => c.client_id === g.signer.client_id)
  t.same(registered, {
    client_id: g.signer.client_id,
    client_key: hexEncode(publicKey),
    hmac_key: g.signer.hmac_key,
  })
  for (const c of g.clients) t.equal(clientIdOf(hexDecode(c.client_key), backend), c.client_id)
}

for (const backend of await availableBackends()) {
  t.test(`signing.json under the ${backend.name} backend`, async (t) => {
    let count = 0
    for (const g of file.testGroups) {
      checkParties(t, g, backend)
      for (const v of g.tests) {
        runVector(t, g, v, backend)
        count++
      }
    }
    t.equal(count, EXPECTED_TESTS, 'vectors run')
    t.equal(count, file.numberOfTests)
  })
}
