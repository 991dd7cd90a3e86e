/**
 * Property: whatever arrives on any path, the device answers a registered problem (or a
 * success) and never a 500 or a crash (spec §2.9 no-internal-error).
 */
import fc from 'fast-check'
import t from 'tap'
import { request } from 'undici'
import { base64urlEncode } from '../../protocol/encoding.ts'
import { LABELS, PATHS, PROBLEMS, problemType } from '../../protocol/registry.ts'
import { M } from '../../protocol/spake2/index.ts'
import { startDevice } from './test-fixture.ts'

const registered = new Set(Object.values(PROBLEMS).map(problemType))
const validShare = base64urlEncode(M.toBytes(false))
const key = base64urlEncode(new Uint8Array(32).fill(9))

const anyValue = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(validShare), fc.constant(key))
const members = ['v', 'client_key', 'client_name', 'pA', 'pairing_id', 'cA', 'ttl', 'jsonrpc', 'id']
const messageLike = fc.dictionary(fc.constantFrom(...members, 'method'), anyValue)
const body = fc.oneof(
  messageLike.map((m) => JSON.stringify(m)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
)
const wellFormedInput =
  'pw=("@method" "@target-uri" "content-digest");created=1;nonce="AAAAAAAAAAAAAAAAAAAAAA";' +
  'keyid="pwc_AAAAAAAAAAAAAAAAAAAAAA";alg="ed25519"'
const signatureField = fc.oneof(fc.string(), fc.constant(wellFormedInput))
const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
  path: fc.oneof(fc.constantFrom(...Object.values(PATHS)), fc.webPath()),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=x'),
  signatureInput: fc.option(signatureField, { nil: undefined }),
  signature: fc.option(fc.constantFrom('pw=:AAAA:', 'pw=AAAA', ''), { nil: undefined }),
  body,
})

t.test('no input gets a 500 or an unregistered problem', async (t) => {
  const limits = { rate_ip_per_minute: 100_000, rate_client_per_minute: 100_000 }
  const device = await startDevice(t, { limits, testHooks: true })
  await device.openPairingWindow()
  let runs = 0
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      runs++
      const headers: Record<string, string> = { 'content-type': r.contentType }
      if (r.signatureInput !== undefined) headers['signature-input'] = r.signatureInput
      if (r.signature !== undefined) headers['signature'] = r.signature
      const withBody = r.method !== 'GET'
      const response = await request(device.url + r.path, {
        method: r.method,
        headers,
        ...(withBody ? { body: r.body } : {}),
      })
      const text = await response.body.text()
      const status = response.statusCode
      if (status < PROBLEMS.malformedRequest.status) return status === 200 || status === 204
      const problem = JSON.parse(text) as { type: string; status: number }
      return (
        response.statusCode !== PROBLEMS.internalError.status &&
        response.headers['content-type'] === LABELS.problemContentType &&
        registered.has(problem.type) &&
        problem.status === response.statusCode
      )
    }),
    { numRuns: 300 },
  )
  t.equal(runs, 300)
})
