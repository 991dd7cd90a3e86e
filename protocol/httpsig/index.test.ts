/**
 * The public surface of protocol/httpsig used the way a server uses it (spec §8): parse, look the
 * keyid up, verify, check the clock, then claim the nonce.
 */
import t from 'tap'
import { defaultBackend } from '../crypto/index.ts'
import { utf8Encode } from '../encoding.ts'
import { clientIdOf } from '../ids.ts'
import { LIMIT_DEFAULTS } from '../registry.ts'
import * as httpsig from './index.ts'

t.test('a server checks parse -> verify -> time -> nonce', async (t) => {
  const seed = defaultBackend.randomBytes(32)
  const clientId = clientIdOf(defaultBackend.ed25519PublicKey(seed))
  const keys = new Map([[clientId, defaultBackend.ed25519PublicKey(seed)]])
  const seen = new Set<string>()
  const now = 1_700_000_000

  function accept(request: httpsig.HttpRequest): string {
    const parsed = httpsig.parseSignedRequest(request)
    const key = keys.get(parsed.params.keyid)
    if (key === undefined) return 'unknown-key'
    const params = httpsig.verifyParsedSignature(parsed, key)
    if (!httpsig.checkSignatureTime(params, now, LIMIT_DEFAULTS.skew)) return 'clock-skew'
    const claim = `${params.keyid} ${params.nonce}`
    if (seen.has(claim)) return 'replayed-nonce'
    seen.add(claim)
    return 'accepted'
  }

  const request: httpsig.HttpRequest = {
    method: 'POST',
    url: 'https://device.local/pairwire/v1/tickets',
    headers: { 'content-type': 'application/json' },
    body: utf8Encode('{}'),
  }
  const signed = (created: number, keyid = clientId): httpsig.HttpRequest => ({
    ...request,
    headers: {
      ...request.headers,
      ...httpsig.signRequest({ request, keyid, alg: 'ed25519', key: seed, created }),
    },
  })
  const fresh = signed(now - 3)
  t.equal(accept(fresh), 'accepted')
  t.equal(accept(fresh), 'replayed-nonce')
  t.equal(accept(signed(now - LIMIT_DEFAULTS.skew - 1)), 'clock-skew')
  t.equal(accept(signed(now, 'pwc_unknown')), 'unknown-key')
  t.throws(() => accept({ ...fresh, method: 'PUT' }), { code: 'signature-invalid' })
  t.throws(() => accept(request), { code: 'signature-missing' })
})
