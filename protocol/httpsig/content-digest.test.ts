// Checks spec requirements: pw-sig-8.5-content-digest
/** Content-Digest (RFC 9530 §2), held to vectors/external/rfc9530-content-digest.json. */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import { availableBackends } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { contentDigest, verifyContentDigest } from './content-digest.ts'

interface Rfc9530Vector {
  body: string
  content_digest: string
}

const path = new URL('../../vectors/external/rfc9530-content-digest.json', import.meta.url)
const file = JSON.parse(readFileSync(path, 'utf8')) as { vectors: Rfc9530Vector[] }

const MISMATCH = { name: 'ProtocolError', code: 'digest-mismatch' }
const body = utf8Encode('{"hello": "world"}')
const digest = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'

t.test('RFC 9530 §2 example, byte for byte', async (t) => {
  let count = 0
  for (const backend of await availableBackends()) {
    for (const v of file.vectors) {
      t.same(Object.keys(v).sort(), ['body', 'content_digest'], 'no unchecked field')
      const vectorBody = utf8Encode(v.body)
      t.equal(contentDigest(vectorBody, backend), v.content_digest, `${backend.name}: digest`)
      t.doesNotThrow(() => verifyContentDigest(v.content_digest, vectorBody, backend))
      count++
    }
  }
  t.equal(count, (await availableBackends()).length, 'one vector under every backend')
})

t.test('accepts other members and parameters around the sha-256 member', async (t) => {
  t.doesNotThrow(() => verifyContentDigest(`sha-512=:AAAA:, ${digest};x=1`, body))
  t.doesNotThrow(() => verifyContentDigest(`  ${digest}  `, body))
  const padBitsSet = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPF=:'
  t.doesNotThrow(
    () => verifyContentDigest(padBitsSet, body),
    'non-zero pad bits spell the same digest (RFC 8941 §4.2.7: parsers SHOULD NOT fail)',
  )
})

t.test('every failure is digest-mismatch', async (t) => {
  const cases: [string | undefined, string][] = [
    [undefined, 'absent'],
    ['', 'empty'],
    ['sha-512=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', 'no sha-256 member'],
    ['SHA-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', 'uppercase key'],
    ['sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=', 'not a byte sequence'],
    ['sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE$:', 'not base64'],
    ['sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPI=:', 'different digest'],
    ['sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBA==:', 'truncated digest'],
    [`${digest}, sha-256=:AA==:`, 'a later duplicate overwrites (RFC 8941 §4.2.2)'],
  ]
  for (const [field, why] of cases) {
    t.throws(() => verifyContentDigest(field, body), MISMATCH, why)
  }
  const tampered = Uint8Array.from(body)
  tampered[0]! ^= 1
  t.throws(() => verifyContentDigest(digest, tampered), MISMATCH, 'tampered body')
})

t.test('random fields throw nothing but digest-mismatch', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 16 }), (field, b) => {
      try {
        verifyContentDigest(field, b)
        return false
      } catch (e) {
        return e instanceof ProtocolError && e.code === 'digest-mismatch'
      }
    }),
    { numRuns: 500 },
  )
  t.pass('500 random fields rejected with digest-mismatch')
})
