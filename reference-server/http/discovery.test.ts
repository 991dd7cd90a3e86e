// Checks spec requirements: pw-pair-5.3-ttl-bound, pw-test-12.1-off-by-default
import t from 'tap'
import { fetch } from 'undici'
import { base64urlEncode } from '../../protocol/encoding.ts'
import { deviceIdOf } from '../../protocol/ids.ts'
import { LIMIT_DEFAULTS, PATHS, PROBLEMS } from '../../protocol/registry.ts'
import { validatePin } from '../../protocol/spake2/index.ts'
import { validateMessage } from '../../schemas/validate.ts'
import { audited, expectProblem, newClient, pair, pairStart, postJson, startDevice } from './test-fixture.ts'

t.test('discovery: identity, versions, profiles, algorithms and every limit', async (t) => {
  const device = await startDevice(t, { name: 'Workshop gateway', limits: { pin_ttl: 60 } })
  const response = await fetch(device.url + PATHS.discovery)
  t.equal(response.status, 200)
  t.equal(response.headers.get('content-type'), 'application/json')
  const body = (await response.json()) as Record<string, unknown>
  t.ok(validateMessage('discovery', body).ok, 'discovery schema')
  t.same(body, {
    v: 1,
    versions: [1],
    device_id: deviceIdOf(device.ctx.identity.publicKey),
    device_key: base64urlEncode(device.ctx.identity.publicKey),
    name: 'Workshop gateway',
    profiles: ['pairing', 'session', 'signed-http'],
    algorithms: ['ed25519', 'hmac-sha256'],
    limits: { ...LIMIT_DEFAULTS, pin_ttl: 60 },
  })
})

t.test('with the test interface: test-control profile and a working test/pin', async (t) => {
  const device = await startDevice(t, { testHooks: true })
  const body = (await (await fetch(device.url + PATHS.discovery)).json()) as { profiles: string[] }
  t.same(body.profiles, ['pairing', 'session', 'signed-http', 'test-control'])
  const response = await postJson(device, PATHS.testPin, { v: 1, ttl: 5 })
  t.equal(response.status, 200)
  const pin = (await response.json()) as { pin: string; expires_at: number }
  t.ok(validateMessage('test-pin-response', pin).ok)
  t.equal(validatePin(pin.pin), pin.pin)
  t.equal(pin.expires_at, device.clock() + 5)
  const start = await pairStart(device, newClient(), pin.pin)
  t.equal(start.response.status, 200, 'the PIN opens a real window')
  const defaults = await postJson(device, PATHS.testPin, { v: 1 })
  const { expires_at } = (await defaults.json()) as { expires_at: number }
  t.equal(expires_at, device.clock() + device.ctx.limits.pin_ttl, 'ttl defaults to pin_ttl')
  const tooLong = await postJson(device, PATHS.testPin, { v: 1, ttl: 301 })
  await expectProblem(t, tooLong, PROBLEMS.malformedRequest)
})

t.test('a ttl above the configured max_pin_ttl is refused', async (t) => {
  const device = await startDevice(t, { testHooks: true, limits: { max_pin_ttl: 10, pin_ttl: 10 } })
  const tooLong = await postJson(device, PATHS.testPin, { v: 1, ttl: 11 })
  await expectProblem(t, tooLong, PROBLEMS.malformedRequest)
})

t.test('without the test interface test/pin is 404 not-found, as an unknown path', async (t) => {
  const device = await startDevice(t)
  await expectProblem(t, await postJson(device, PATHS.testPin, { v: 1 }), PROBLEMS.notFound)
  await expectProblem(t, await fetch(device.url + PATHS.testPin), PROBLEMS.notFound)
})

t.test('unknown paths are 404; known paths with another method are 405 with Allow', async (t) => {
  const device = await startDevice(t)
  await expectProblem(t, await fetch(device.url + '/nope'), PROBLEMS.notFound)
  await expectProblem(t, await fetch(device.url + PATHS.discovery + '/x'), PROBLEMS.notFound)
  const post = await fetch(device.url + PATHS.discovery, { method: 'POST' })
  await expectProblem(t, post, PROBLEMS.methodNotAllowed)
  t.equal(post.headers.get('allow'), 'GET')
  const get = await fetch(device.url + PATHS.clientsSelf)
  await expectProblem(t, get, PROBLEMS.methodNotAllowed)
  t.equal(get.headers.get('allow'), 'DELETE')
  await expectProblem(t, await fetch(device.url + PATHS.websocket), PROBLEMS.malformedRequest)
  const postWs = await fetch(device.url + PATHS.websocket, { method: 'POST' })
  await expectProblem(t, postWs, PROBLEMS.methodNotAllowed)
  t.equal(postWs.headers.get('allow'), 'GET')
  const query = await fetch(device.url + PATHS.discovery + '?x=1')
  t.equal(query.status, 200, 'the query is not part of the route')
  await query.body?.cancel()
})

t.test('test/revoke revokes as the operator: 204, audited by operator; 404 for no client', async (t) => {
  const device = await startDevice(t, { testHooks: true })
  const client = await pair(device)
  const revoked = await postJson(device, PATHS.testRevoke, { v: 1, client_id: client.clientId })
  t.equal(revoked.status, 204)
  t.equal(await device.ctx.store.getClient(client.clientId), undefined, 'the record is gone')
  t.same(audited(device, 'client.revoke').map((e) => e['by']), ['operator'])
  const again = await postJson(device, PATHS.testRevoke, { v: 1, client_id: client.clientId })
  await expectProblem(t, again, PROBLEMS.notFound)
  const malformed = await postJson(device, PATHS.testRevoke, { v: 1, client_id: 'pwc_short' })
  await expectProblem(t, malformed, PROBLEMS.malformedRequest)
})

t.test('without the test interface test/revoke is 404 not-found', async (t) => {
  const device = await startDevice(t)
  const body = { v: 1, client_id: 'pwc_JPbtasv-EAnAMNfKVnwzyg' }
  await expectProblem(t, await postJson(device, PATHS.testRevoke, body), PROBLEMS.notFound)
})
