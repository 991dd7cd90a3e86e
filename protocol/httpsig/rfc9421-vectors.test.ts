/**
 * RFC 9421 Appendix B.2.6 (ed25519) and B.2.5 (hmac-sha256), from
 * vectors/external/rfc9421-http-signatures.json, under every crypto backend. Every field of every
 * vector is an input (request, keys) or recomputed and compared byte for byte. B.2.5 carries no
 * request of its own: RFC 9421 B.2 signs the same request in every example, so it is taken from
 * the B.2.6 entry.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { availableBackends, type CryptoBackend } from '../crypto/index.ts'
import { hexDecode, hexEncode, utf8Encode } from '../encoding.ts'
import { signSignatureBase, verifySignatureBase } from './algorithms.ts'
import { decodeBase64, encodeBase64 } from './base64.ts'
import type { HttpRequest } from './request.ts'
import { signatureBase } from './signature-base.ts'
import {
  parseByteSequenceDictionary,
  parseInnerListDictionary,
  serializeByteSequenceDictionary,
  serializeInnerListDictionary,
} from './structured-fields.ts'

interface VectorRequest {
  method: string
  request_target: string
  headers: Record<string, string>
  body: string
}

interface Rfc9421Vector {
  name: string
  alg: string
  keyid: string
  private_key_hex?: string
  public_key_hex?: string
  secret_base64?: string
  request?: VectorRequest
  signature_input: string
  signature_base: string
  signature: string
}

const path = new URL('../../vectors/external/rfc9421-http-signatures.json', import.meta.url)
const file = JSON.parse(readFileSync(path, 'utf8')) as { vectors: Rfc9421Vector[] }

const sharedRequest = file.vectors.find((v) => v.request !== undefined)!.request!

// RFC 9421 B.2: the examples are https requests; Host gives the authority.
function toRequest(r: VectorRequest): HttpRequest {
  return {
    method: r.method,
    url: `https://${r.headers.Host}${r.request_target}`,
    headers: r.headers,
    body: utf8Encode(r.body),
  }
}

const COMMON_FIELDS = ['name', 'alg', 'keyid', 'signature_input', 'signature_base', 'signature']
const FIELDS_BY_ALG: Record<string, string[]> = {
  ed25519: [...COMMON_FIELDS, 'private_key_hex', 'public_key_hex', 'request'],
  'hmac-sha256': [...COMMON_FIELDS, 'secret_base64'],
}

interface Keys {
  signing: Uint8Array
  verifying: Uint8Array
  /** The key material re-encoded as the vector spells it, to compare with the vector. */
  spelled: string[]
}

function keysOf(v: Rfc9421Vector, backend: CryptoBackend): Keys {
  switch (v.alg) {
    case 'ed25519': {
      const seed = hexDecode(v.private_key_hex!)
      const publicKey = backend.ed25519PublicKey(seed)
      const spelled = [hexEncode(seed), hexEncode(publicKey)]
      return { signing: seed, verifying: publicKey, spelled }
    }
    case 'hmac-sha256': {
      const secret = decodeBase64(v.secret_base64!)!
      return { signing: secret, verifying: secret, spelled: [encodeBase64(secret)] }
    }
    default:
      throw new Error(`unknown alg ${v.alg} in ${v.name}`)
  }
}

t.test('RFC 9421 B.2.5 and B.2.6', async (t) => {
  let count = 0
  for (const backend of await availableBackends()) {
    for (const v of file.vectors) {
      const name = `${backend.name} ${v.name}`
      t.same(Object.keys(v).sort(), FIELDS_BY_ALG[v.alg]!.sort(), `${name}: no unchecked field`)
      const keys = keysOf(v, backend)
      const vectorKeys = [v.private_key_hex, v.public_key_hex, v.secret_base64].filter(Boolean)
      t.same(keys.spelled, vectorKeys, `${name}: key material (public key derived from the seed)`)
      const dictionary = parseInnerListDictionary(v.signature_input)
      t.equal(dictionary.size, 1, `${name}: one signature`)
      const [label, input] = [...dictionary][0]!
      t.equal(serializeInnerListDictionary(dictionary), v.signature_input, `${name}: re-serialized`)
      t.same(input.params.get('keyid'), v.keyid, `${name}: keyid`)
      t.notOk(input.params.has('alg'), `${name}: alg is implied by the key (B.1.4, B.1.5)`)

      const base = signatureBase(toRequest(v.request ?? sharedRequest), input)
      t.same(base, utf8Encode(v.signature_base), `${name}: signature base, byte for byte`)

      const signature = signSignatureBase(v.alg, keys.signing, base, backend)
      const field = serializeByteSequenceDictionary(new Map([[label, signature]]))
      t.equal(field, `${label}=:${v.signature}:`, `${name}: signature`)
      t.same(parseByteSequenceDictionary(field).get(label), signature, `${name}: Signature parses`)
      const verify = (): void =>
        verifySignatureBase(v.alg, keys.verifying, base, signature, backend)
      t.doesNotThrow(verify, `${name}: verifies`)
      signature[0]! ^= 1
      t.throws(verify, { code: 'signature-invalid' }, `${name}: a flipped bit does not verify`)
      count++
    }
  }
  t.equal(count, 2 * (await availableBackends()).length, 'B.2.5 and B.2.6 under every backend')
})
