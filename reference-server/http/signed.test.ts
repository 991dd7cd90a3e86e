import t from 'tap'
import { fetch, request } from 'undici'
import { base64urlDecode, utf8Encode } from '../../protocol/encoding.ts'
import { newNonce, signRequest } from '../../protocol/httpsig/index.ts'
import {
  METHODS,
  PATHS,
  PROBLEMS,
  PROTOCOL_VERSION,
  RPC_ERRORS,
  SIZES,
} from '../../protocol/registry.ts'
import { ticketHash } from '../../protocol/tickets.ts'
import { validateMessage } from '../../schemas/validate.ts'
import { audited, expectProblem, pair, signedFetch, startDevice } from './test-fixture.ts'

const ticketRequest = { v: PROTOCOL_VERSION }
const echo = (id: number) => ({ jsonrpc: '2.0', id, method: METHODS.echo, params: { n: id } })

t.test('a valid signed request is accepted with ed25519 and with hmac-sha256', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  for (const alg of ['ed25519', 'hmac-sha256'] as const) {
    const response = await signedFetch(device, client, { path: PATHS.rpc, body: echo(7), alg })
    t.equal(response.status, 200, alg)
    t.same(await response.json(), { jsonrpc: '2.0', id: 7, result: { n: 7 } })
  }
})

t.test('tickets: 32 random bytes, stored only as a hash bound to the client', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const response = await signedFetch(device, client, { path: PATHS.tickets, body: ticketRequest })
  t.equal(response.status, 200)
  const body = (await response.json()) as { ticket: string; expires_at: number }
  t.ok(validateMessage('ticket-response', body).ok, 'ticket-response schema')
  t.equal(base64urlDecode(body.ticket).length, SIZES.ticket)
  t.equal(body.expires_at, device.clock() + device.ctx.limits.ticket_ttl)
  t.equal(await device.ctx.store.takeTicket(ticketHash(body.ticket)), client.clientId)
  t.match(audited(device, 'ticket.issue'), [{ client_id: client.clientId }])
  const bad = await signedFetch(device, client, { path: PATHS.tickets, body: { v: 1, x: 1 } })
  await expectProblem(t, bad, PROBLEMS.malformedRequest)
  const version = await signedFetch(device, client, { path: PATHS.tickets, body: { v: 9 } })
  await expectProblem(t, version, PROBLEMS.unsupportedVersion)
})

t.test('created outside ±skew is 401 clock-skew, on both sides; inside is accepted', async (t) => {
  const device = await startDevice(t, { limits: { skew: 30 } })
  const client = await pair(device)
  const now = device.clock()
  for (const created of [now - 31, now + 31]) {
    const response = await signedFetch(device, client, { path: PATHS.rpc, body: echo(1), created })
    const problem = await expectProblem(t, response, PROBLEMS.clockSkew)
    // Spec §8.7 {#pw-sig-8.7-clock-skew-time}: the device says what time it is.
    t.equal(problem['device_time'], now, 'device_time is the device clock')
    t.ok(validateMessage('problem', problem).ok, 'valid against the problem schema')
  }
  for (const created of [now - 30, now + 30]) {
    const response = await signedFetch(device, client, { path: PATHS.rpc, body: echo(1), created })
    t.equal(response.status, 200, `created = now ${created - now}`)
    await response.body?.cancel()
  }
})

t.test('a nonce used twice is 401 replayed-nonce', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const nonce = newNonce()
  const first = await signedFetch(device, client, { path: PATHS.rpc, body: echo(1), nonce })
  t.equal(first.status, 200)
  await first.body?.cancel()
  const second = await signedFetch(device, client, { path: PATHS.rpc, body: echo(2), nonce })
  await expectProblem(t, second, PROBLEMS.replayedNonce)
})

t.test('an unknown keyid is 401 unknown-key', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const stranger = { ...client, clientId: 'pwc_AAAAAAAAAAAAAAAAAAAAAA' }
  const response = await signedFetch(device, stranger, { path: PATHS.rpc, body: echo(1) })
  await expectProblem(t, response, PROBLEMS.unknownKey)
  t.same(
    audited(device, 'signature.failure').map(({ keyid, problem, remote }) => ({
      keyid,
      problem,
      remote,
    })),
    [{ keyid: stranger.clientId, problem: 'unknown-key', remote: '127.0.0.1' }],
    'only the keyid and the problem name, never the signature or nonce',
  )
})

t.test('a bad signature is 401 signature-invalid', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const other = await pair(device)
  const forged = { ...other, clientId: client.clientId }
  const response = await signedFetch(device, forged, { path: PATHS.rpc, body: echo(1) })
  await expectProblem(t, response, PROBLEMS.signatureInvalid)
  const alg = 'hmac-sha256'
  const hmac = await signedFetch(device, forged, { path: PATHS.rpc, body: echo(1), alg })
  await expectProblem(t, hmac, PROBLEMS.signatureInvalid)
  const flipped = await signedFetch(device, client, {
    path: PATHS.rpc,
    body: echo(1),
    tamper: (headers, body) => {
      const signature = headers['signature']!
      const first = signature['pw=:'.length] === 'A' ? 'B' : 'A'
      headers['signature'] = 'pw=:' + first + signature.slice('pw=:'.length + 1)
      return body
    },
  })
  await expectProblem(t, flipped, PROBLEMS.signatureInvalid)
})

t.test('a body that does not match Content-Digest is 400 digest-mismatch', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const response = await signedFetch(device, client, {
    path: PATHS.rpc,
    body: echo(1),
    tamper: (_headers, body) => body!.replace('"n":1', '"n":2'),
  })
  await expectProblem(t, response, PROBLEMS.digestMismatch)
})

t.test('parse failures: no signature, malformed fields, components, algorithm', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const unsigned = await fetch(device.url + PATHS.rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(echo(1)),
  })
  await expectProblem(t, unsigned, PROBLEMS.signatureMissing)
  const cases = [
    [PROBLEMS.malformedSignature, (h: Record<string, string>) => (h['signature'] = 'pw=not-bytes')],
    [PROBLEMS.missingComponent, (h: Record<string, string>) => {
      h['signature-input'] = h['signature-input']!.replace(' "content-digest"', '')
    }],
    [PROBLEMS.unsupportedAlgorithm, (h: Record<string, string>) => {
      h['signature-input'] = h['signature-input']!.replace('alg="ed25519"', 'alg="rsa-pss-sha512"')
    }],
  ] as const
  for (const [entry, edit] of cases) {
    const response = await signedFetch(device, client, {
      path: PATHS.rpc,
      body: echo(1),
      tamper: (headers, body) => {
        edit(headers)
        return body
      },
    })
    await expectProblem(t, response, entry)
  }
  t.same(audited(device, 'signature.failure'), [], 'steps 1-6 are not audited')
})

t.test('order: a forged request with a used nonce is signature-invalid', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const other = await pair(device)
  const forged = { ...other, clientId: client.clientId }
  const used = newNonce()
  const ok = await signedFetch(device, client, { path: PATHS.rpc, body: echo(1), nonce: used })
  t.equal(ok.status, 200)
  await ok.body?.cancel()
  const replayForged = await signedFetch(device, forged, {
    path: PATHS.rpc,
    body: echo(1),
    nonce: used,
  })
  await expectProblem(t, replayForged, PROBLEMS.signatureInvalid)
  const fresh = newNonce()
  const bad = await signedFetch(device, forged, { path: PATHS.rpc, body: echo(1), nonce: fresh })
  await expectProblem(t, bad, PROBLEMS.signatureInvalid)
  const skewed = await signedFetch(device, client, {
    path: PATHS.rpc, body: echo(1), nonce: fresh, created: device.clock() - 1000,
  })
  await expectProblem(t, skewed, PROBLEMS.clockSkew)
  const good = await signedFetch(device, client, { path: PATHS.rpc, body: echo(1), nonce: fresh })
  t.equal(good.status, 200, 'neither the forged nor the skewed request consumed the nonce')
  await good.body?.cancel()
})

t.test('rpc: notifications get 204, JSON-RPC errors are 200 responses', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const note = await signedFetch(device, client, {
    path: PATHS.rpc,
    body: { jsonrpc: '2.0', method: METHODS.echo, params: [] },
  })
  t.equal(note.status, 204)
  const unknown = await signedFetch(device, client, {
    path: PATHS.rpc,
    body: { jsonrpc: '2.0', id: 3, method: 'no.such' },
  })
  t.same(await unknown.json(), { jsonrpc: '2.0', id: 3, error: RPC_ERRORS.methodNotFound })
  const notJson = await signedFetch(device, client, { path: PATHS.rpc, text: '{"jsonrpc":' })
  t.equal(notJson.status, 200, 'a body that is not JSON is the JSON-RPC parse error')
  t.same(await notJson.json(), { jsonrpc: '2.0', id: null, error: RPC_ERRORS.parseError })
})

t.test('the media type is checked after authentication (§10.1 steps 7, 8)', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const unsigned = await fetch(device.url + PATHS.tickets, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '{"v":1}',
  })
  await expectProblem(t, unsigned, PROBLEMS.signatureMissing)
  const signed = await signedFetch(device, client, {
    path: PATHS.tickets,
    body: ticketRequest,
    tamper: (headers, body) => {
      headers['content-type'] = 'text/plain'
      return body
    },
  })
  await expectProblem(t, signed, PROBLEMS.unsupportedMediaType)
})

t.test('@target-uri: the Host field lowercased, the default port omitted (§8.4)', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const { port } = new URL(device.url)
  const body = utf8Encode(JSON.stringify(echo(1)))
  for (const host of [`LOCALHOST:${port}`, 'localhost:80', 'Localhost']) {
    const signedFor = `http://${host.toLowerCase().replace(/:80$/, '')}${PATHS.rpc}`
    const fields = signRequest({
      request: { method: 'POST', url: signedFor, headers: {}, body },
      keyid: client.clientId,
      alg: 'ed25519',
      key: client.seed,
      created: device.clock(),
    })
    const headers = { ...fields, host, 'content-type': 'application/json' }
    const response = await request(device.url + PATHS.rpc, { method: 'POST', headers, body })
    t.equal(response.statusCode, 200, host)
    await response.body.dump()
  }
})

t.test('unpair: DELETE clients/self is 204; later requests are 401 unknown-key', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const response = await signedFetch(device, client, { method: 'DELETE', path: PATHS.clientsSelf })
  t.equal(response.status, 204)
  t.equal(await device.ctx.store.getClient(client.clientId), undefined)
  t.match(audited(device, 'client.revoke'), [{ client_id: client.clientId, by: 'self' }])
  const later = await signedFetch(device, client, { path: PATHS.tickets, body: ticketRequest })
  await expectProblem(t, later, PROBLEMS.unknownKey)
})

t.test('per-client rate limit: 429 with Retry-After, after authentication', async (t) => {
  const device = await startDevice(t, { limits: { rate_client_per_minute: 2 } })
  const client = await pair(device)
  for (let i = 0; i < 2; i++) {
    const response = await signedFetch(device, client, { path: PATHS.rpc, body: echo(i) })
    t.equal(response.status, 200)
    await response.body?.cancel()
  }
  const limited = await signedFetch(device, client, { path: PATHS.rpc, body: echo(3) })
  await expectProblem(t, limited, PROBLEMS.rateLimited)
  t.equal(limited.headers.get('retry-after'), '30')
  const other = await pair(device)
  const fine = await signedFetch(device, other, { path: PATHS.rpc, body: echo(4) })
  t.equal(fine.status, 200, 'another client has its own bucket')
  await fine.body?.cancel()
})
