/**
 * The rules of individual messages beyond the shared faults of messages.test.ts: discovery's
 * versions, profiles and limits (spec §4, §10), the problem extension member (spec §5,
 * RFC 9457), JSON-RPC 2.0 ids, params and result XOR error (spec §7.6), and the PIN endpoint
 * (spec §12).
 */
import t from 'tap'
import { LIMIT_DEFAULTS, PROBLEMS, problemType, SIZES } from '../../protocol/registry.ts'
import { validateMessage, type MessageName } from '../validate.ts'
import { LIMIT_RANGES, type LimitName } from './limits.ts'
import { SAMPLES } from './samples.ts'

const accepts = (name: MessageName, value: unknown) => validateMessage(name, value).ok
const sample = <N extends MessageName>(name: N, changes: Record<string, unknown> = {}) => ({
  ...SAMPLES[name].valid,
  ...changes,
})

t.test('discovery: versions lists 1, once each', async (t) => {
  t.ok(accepts('discovery', sample('discovery', { versions: [1, 2] })))
  t.notOk(accepts('discovery', sample('discovery', { versions: [] })))
  t.notOk(accepts('discovery', sample('discovery', { versions: [2] })), 'a v1 document lists 1')
  t.notOk(accepts('discovery', sample('discovery', { versions: [1, 1] })))
  t.notOk(accepts('discovery', sample('discovery', { versions: [1, 0] })))
})

t.test('discovery: the three mandatory profiles, optional test-control, no other', async (t) => {
  const withProfiles = (profiles: unknown) => sample('discovery', { profiles })
  t.ok(accepts('discovery', withProfiles(['signed-http', 'session', 'pairing', 'test-control'])))
  for (const missing of ['pairing', 'session', 'signed-http']) {
    const profiles = ['pairing', 'session', 'signed-http'].filter((p) => p !== missing)
    t.notOk(accepts('discovery', withProfiles(profiles)), `without ${missing}`)
  }
  t.notOk(accepts('discovery', withProfiles(['pairing', 'session', 'signed-http', 'relay'])))
  t.notOk(accepts('discovery', withProfiles(['pairing', 'session', 'signed-http', 'session'])))
})

t.test('discovery: algorithms are both of the RFC 9421 profile, once each', async (t) => {
  const withAlgorithms = (algorithms: unknown) => sample('discovery', { algorithms })
  t.ok(accepts('discovery', withAlgorithms(['hmac-sha256', 'ed25519'])), 'order is free')
  t.notOk(accepts('discovery', withAlgorithms(['ed25519'])))
  t.notOk(accepts('discovery', withAlgorithms(['hmac-sha256'])))
  t.notOk(accepts('discovery', withAlgorithms(['ed25519', 'hmac-sha256', 'rsa-pss-sha512'])))
  t.notOk(accepts('discovery', withAlgorithms(['ed25519', 'hmac-sha256', 'ed25519'])))
})

t.test('discovery: name is 1..64 code points; ids and keys are their own kinds', async (t) => {
  t.notOk(accepts('discovery', sample('discovery', { name: '' })))
  t.notOk(accepts('discovery', sample('discovery', { name: 'n'.repeat(65) })))
  const clientId = 'pwc_' + SAMPLES.discovery.valid.device_id.slice(4)
  t.notOk(accepts('discovery', sample('discovery', { device_id: clientId })))
})

t.test('discovery: limits hold every registry key, an integer in its spec range', async (t) => {
  const keys = Object.keys(LIMIT_DEFAULTS) as LimitName[]
  t.same(Object.keys(LIMIT_RANGES).sort(), [...keys].sort(), 'a range for every limit')
  const withLimit = (key: string, value: unknown) =>
    sample('discovery', { limits: { ...LIMIT_DEFAULTS, [key]: value } })
  for (const key of keys) {
    const [min, max = Number.MAX_SAFE_INTEGER] = LIMIT_RANGES[key]
    const { [key]: _, ...rest } = LIMIT_DEFAULTS
    t.notOk(accepts('discovery', sample('discovery', { limits: rest })), `without ${key}`)
    t.ok(accepts('discovery', withLimit(key, LIMIT_DEFAULTS[key])), `${key} default`)
    t.ok(accepts('discovery', withLimit(key, min)), `${key} = ${min}`)
    t.ok(accepts('discovery', withLimit(key, max)), `${key} = ${max}`)
    t.notOk(accepts('discovery', withLimit(key, min - 1)), `${key} = ${min - 1}`)
    t.notOk(accepts('discovery', withLimit(key, max + 1)), `${key} above ${max}`)
    t.notOk(accepts('discovery', withLimit(key, min + 0.5)), `${key} fraction`)
    t.notOk(accepts('discovery', withLimit(key, String(min))), `${key} as a string`)
  }
  t.notOk(accepts('discovery', withLimit('max_widgets', 1)), 'no other member')
  t.same(LIMIT_RANGES.max_frame, [1024, SIZES.noiseMaxMessage])
  t.same(LIMIT_RANGES.pin_ttl, [1, 300])
})

t.test('problem: every registered type is accepted with its title and status', async (t) => {
  let count = 0
  for (const entry of Object.values(PROBLEMS)) {
    const extras = entry === PROBLEMS.confirmationFailed ? { attempts_remaining: 0 } : {}
    const body = { type: problemType(entry), title: entry.title, status: entry.status, ...extras }
    t.ok(accepts('problem', body), entry.name)
    t.ok(accepts('problem', { ...body, detail: 'more words' }), `${entry.name} with detail`)
    count++
  }
  t.equal(count, Object.keys(PROBLEMS).length)
})

t.test('problem: attempts_remaining (int ≥ 0) exactly on confirmation-failed', async (t) => {
  const failed = SAMPLES.problem.valid
  const { attempts_remaining: _, ...withoutAttempts } = failed
  t.notOk(accepts('problem', withoutAttempts), 'confirmation-failed without it')
  t.notOk(accepts('problem', { ...failed, attempts_remaining: -1 }))
  t.notOk(accepts('problem', { ...failed, attempts_remaining: 1.5 }))
  const other = PROBLEMS.rateLimited
  const base = { type: problemType(other), title: other.title, status: other.status }
  t.notOk(accepts('problem', { ...base, attempts_remaining: 1 }), 'on rate-limited')
  t.notOk(accepts('problem', { ...base, retry_after: 5 }), 'Retry-After is a header only')
  t.notOk(accepts('problem', { ...base, instance: '/x' }), 'no instance member')
})

t.test('problem: title and status are those of the registry entry of the type', async (t) => {
  const entry = PROBLEMS.clockSkew
  const base = { type: problemType(entry), title: entry.title, status: entry.status }
  t.ok(accepts('problem', base))
  t.notOk(accepts('problem', { ...base, title: 'Clock Skew' }), 'title changed')
  t.notOk(accepts('problem', { ...base, status: 400 }), 'status of another entry')
  t.notOk(accepts('problem', { ...base, type: 'urn:pairwire:error:clock-drift' }), 'unregistered')
  const result = validateMessage('problem', { ...base, status: 403 })
  t.match(result, { ok: false, errors: /status must be equal to constant/ })
})

t.test('problem: a registered urn:pairwire:error: type, an HTTP error status', async (t) => {
  const base = { type: problemType(PROBLEMS.notFound), title: 'Not found', status: 404 }
  for (const type of ['about:blank', 'urn:pairwire:error:', 'urn:pairwire:error:Not-Found',
    'https://example.com/not-found', 'urn:pairwire:error:not found']) {
    t.notOk(accepts('problem', { ...base, type }), type)
  }
  for (const status of [200, 399, 600, 404.5, '404']) {
    t.notOk(accepts('problem', { ...base, status }), `status ${status}`)
  }
  t.notOk(accepts('problem', { ...base, title: '' }))
  t.notOk(accepts('problem', { ...base, detail: 7 }))
})

t.test('jsonrpc-request: integer or string id, structured params, string method', async (t) => {
  const request = (changes: Record<string, unknown>) => sample('jsonrpc-request', changes)
  t.ok(accepts('jsonrpc-request', request({ id: 'a1' })))
  t.ok(accepts('jsonrpc-request', request({ params: [] })))
  const { params: _, ...noParams } = SAMPLES['jsonrpc-request'].valid
  t.ok(accepts('jsonrpc-request', noParams), 'params is optional')
  t.notOk(accepts('jsonrpc-request', request({ id: null })), 'null id is for responses')
  t.notOk(accepts('jsonrpc-request', request({ id: 1.5 })))
  t.notOk(accepts('jsonrpc-request', request({ params: 'x' })))
  t.notOk(accepts('jsonrpc-request', request({ params: null })))
  t.notOk(accepts('jsonrpc-request', request({ method: 7 })))
  t.notOk(accepts('jsonrpc-request', request({ jsonrpc: '1.0' })))
  t.notOk(accepts('jsonrpc-request', [SAMPLES['jsonrpc-request'].valid]), 'no batches')
})

t.test('jsonrpc-notification: no id', async (t) => {
  t.notOk(accepts('jsonrpc-notification', sample('jsonrpc-notification', { id: 1 })))
  t.notOk(accepts('jsonrpc-notification', sample('jsonrpc-notification', { params: 3 })))
})

t.test('jsonrpc-response: result XOR error, error {code, message, data?}', async (t) => {
  const error = { code: -32601, message: 'Method not found' }
  const response = (members: Record<string, unknown>) => ({ jsonrpc: '2.0', id: 1, ...members })
  t.ok(accepts('jsonrpc-response', response({ result: null })), 'null is a result')
  t.ok(accepts('jsonrpc-response', response({ error })))
  t.ok(accepts('jsonrpc-response', response({ error: { ...error, data: [1] } })))
  t.ok(accepts('jsonrpc-response', response({ id: null, error })), 'parse error: id null')
  t.notOk(accepts('jsonrpc-response', response({ result: 1, error })), 'both')
  t.notOk(accepts('jsonrpc-response', response({})), 'neither')
  t.notOk(accepts('jsonrpc-response', { jsonrpc: '2.0', result: 1 }), 'no id')
  t.notOk(accepts('jsonrpc-response', { id: 1, result: 1 }), 'no jsonrpc')
  t.notOk(accepts('jsonrpc-response', response({ error: { message: 'x' } })), 'error without code')
  t.notOk(accepts('jsonrpc-response', response({ error: { code: 1 } })), 'error without message')
  t.notOk(accepts('jsonrpc-response', response({ error: { ...error, code: 1.5 } })))
  t.notOk(accepts('jsonrpc-response', response({ error: { ...error, extra: 1 } })))
  t.notOk(accepts('jsonrpc-response', response({ result: 1, extra: 1 })))
})

t.test('handshake payloads: max_frame 1024..65535, ping_interval 1..300', async (t) => {
  const client = (changes: object) => sample('handshake-client-payload', { ...changes })
  const device = (changes: object) => sample('handshake-device-payload', { ...changes })
  t.ok(accepts('handshake-client-payload', client({ max_frame: 1024 })))
  for (const max_frame of [1023, SIZES.noiseMaxMessage + 1, 1024.5]) {
    t.notOk(accepts('handshake-client-payload', client({ max_frame })), `client ${max_frame}`)
    t.notOk(accepts('handshake-device-payload', device({ max_frame })), `device ${max_frame}`)
  }
  t.notOk(accepts('handshake-device-payload', device({ ping_interval: 0 })))
  t.notOk(accepts('handshake-device-payload', device({ ping_interval: 301 })))
})

t.test('test-pin: ttl optional in 1..max_pin_ttl; the PIN six digits, not trivial', async (t) => {
  t.ok(accepts('test-pin-request', { v: 1 }))
  t.ok(accepts('test-pin-request', { v: 1, ttl: LIMIT_DEFAULTS.max_pin_ttl }))
  for (const ttl of [0, LIMIT_DEFAULTS.max_pin_ttl + 1, 1.5, '60']) {
    t.notOk(accepts('test-pin-request', { v: 1, ttl }), `ttl ${ttl}`)
  }
  for (const pin of ['123456', '000000', '12345', '1234567', 123456]) {
    t.notOk(accepts('test-pin-response', sample('test-pin-response', { pin })), `pin ${pin}`)
  }
  t.notOk(accepts('test-pin-response', sample('test-pin-response', { expires_at: -1 })))
})
