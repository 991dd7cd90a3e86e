import fc from 'fast-check'
import t from 'tap'
import { METHODS, RPC_ERRORS } from '../../protocol/registry.ts'
import { validateMessage } from '../../schemas/validate.ts'
import type { Logger, RpcCaller, RpcHandler } from '../context.ts'
import { dispatchRpc, dispatchRpcText, InvalidParams } from './dispatch.ts'
import { echo } from './methods.ts'

const caller: RpcCaller = { clientId: 'pwc_AAAAAAAAAAAAAAAAAAAAAA' }

function recordingLog(): Logger & { errors: string[] } {
  const errors: string[] = []
  return { errors, info() {}, warn() {}, error: (event) => void errors.push(event) }
}

const methods = new Map<string, RpcHandler>([
  [METHODS.echo, echo],
  ['test.fail', () => { throw new Error('secret detail /home/x') }],
  ['test.reject', () => Promise.reject(new TypeError('boom'))],
  ['test.params', () => { throw new InvalidParams('wants a number') }],
  ['test.void', () => undefined],
  ['test.caller', (_params, who) => who.clientId],
])

const error = (id: unknown, entry: { code: number; message: string }) => ({
  jsonrpc: '2.0',
  id,
  error: { code: entry.code, message: entry.message },
})

t.test('a request is answered with its result and its own id (§5)', async (t) => {
  const params = { a: [1, 'two', null] }
  const echo = { jsonrpc: '2.0', id: 7, method: METHODS.echo, params }
  t.same(await dispatchRpc(echo, caller, methods), { jsonrpc: '2.0', id: 7, result: params })
  t.same(await dispatchRpc({ jsonrpc: '2.0', id: 'x', method: 'test.caller' }, caller, methods), {
    jsonrpc: '2.0',
    id: 'x',
    result: caller.clientId,
  })
  const empty = await dispatchRpc({ jsonrpc: '2.0', id: 0, method: 'test.void' }, caller, methods)
  t.same(empty, { jsonrpc: '2.0', id: 0, result: null }, 'no result from the handler answers null')
})

t.test('not JSON is a parse error with id null (-32700)', async (t) => {
  for (const text of ['', '{', '{"jsonrpc":"2.0",}', 'nul', '\u00ff']) {
    t.same(await dispatchRpcText(text, caller, methods), error(null, RPC_ERRORS.parseError), text)
  }
  const badUtf8 = new Uint8Array([0x7b, 0xff, 0x7d])
  t.same(await dispatchRpcText(badUtf8, caller, methods), error(null, RPC_ERRORS.parseError))
  const bytes = new TextEncoder().encode(
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: METHODS.echo, params: [] }),
  )
  t.same(await dispatchRpcText(bytes, caller, methods), { jsonrpc: '2.0', id: 1, result: [] })
})

t.test('anything but a valid Request or Notification is -32600, id null (§7.6)', async (t) => {
  let called = 0
  const counting = new Map<string, RpcHandler>([[METHODS.echo, () => void called++]])
  const invalid: unknown[] = [
    [],
    [{ jsonrpc: '2.0', id: 1, method: METHODS.echo, params: [] }],
    42,
    'text',
    null,
    {},
    { jsonrpc: '1.0', id: 1, method: METHODS.echo },
    { id: 2, method: METHODS.echo },
    { jsonrpc: '2.0', id: 3, method: 5 },
    { jsonrpc: '2.0', id: 4, method: METHODS.echo, params: 'bar' },
    { jsonrpc: '2.0', id: 5, method: METHODS.echo, extra: true },
    { jsonrpc: '2.0', id: null, method: METHODS.echo },
    { jsonrpc: '2.0', id: 1.5, method: METHODS.echo },
    { jsonrpc: '2.0', id: { n: 1 }, method: METHODS.echo },
    { jsonrpc: '2.0', method: 1, params: 'bar' },
    { jsonrpc: '2.0', method: METHODS.echo, params: 7 },
  ]
  for (const message of invalid) {
    t.same(await dispatchRpc(message, caller, counting), error(null, RPC_ERRORS.invalidRequest),
      JSON.stringify(message))
  }
  t.equal(called, 0, 'no handler runs, not even for a batch element')
})

t.test('an unknown method is -32601, also for names on Object.prototype', async (t) => {
  for (const method of ['no.such', '', 'constructor', '__proto__', 'rpc.discover']) {
    t.same(await dispatchRpc({ jsonrpc: '2.0', id: 1, method }, caller, methods),
      error(1, RPC_ERRORS.methodNotFound), method)
  }
})

t.test('InvalidParams is -32602; any other failure is -32603 without detail, logged', async (t) => {
  const log = recordingLog()
  const message = { jsonrpc: '2.0', id: 1, method: 'test.params' }
  const params = await dispatchRpc(message, caller, methods, log)
  t.same(params, error(1, RPC_ERRORS.invalidParams))
  t.same(log.errors, [], 'invalid params are the caller\'s fault, not logged as errors')
  for (const method of ['test.fail', 'test.reject']) {
    const answer = await dispatchRpc({ jsonrpc: '2.0', id: 2, method }, caller, methods, log)
    t.same(answer, error(2, RPC_ERRORS.internalError), method)
    t.notMatch(JSON.stringify(answer), /secret|boom|stack/)
  }
  t.same(log.errors, ['rpc.handler-error', 'rpc.handler-error'])
  const silent = await dispatchRpc({ jsonrpc: '2.0', id: 3, method: 'test.fail' }, caller, methods)
  t.same(silent, error(3, RPC_ERRORS.internalError), 'works without a logger')
})

t.test('a Notification gets no response, even when it fails (§4.1)', async (t) => {
  let called = 0
  const counting = new Map<string, RpcHandler>([['count', () => void called++], ...methods])
  const notifications = [
    { jsonrpc: '2.0', method: 'count' },
    { jsonrpc: '2.0', method: 'count', params: [1] },
    { jsonrpc: '2.0', method: 'no.such' },
    { jsonrpc: '2.0', method: 'test.fail' },
    { jsonrpc: '2.0', method: 'test.params' },
    { jsonrpc: '2.0', method: METHODS.echo, params: {} },
  ]
  for (const n of notifications) t.equal(await dispatchRpc(n, caller, counting), null, n.method)
  t.equal(called, 2, 'the handler still runs')
})

/** A Response object as JSON-RPC 2.0 §5 and the jsonrpc-response schema define it. */
function isValidResponse(value: unknown): boolean {
  return validateMessage('jsonrpc-response', value).ok && JSON.stringify(value) !== undefined
}

t.test('property: any JSON value → never throws, a valid Response or null', async (t) => {
  const jsonish = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        jsonrpc: fc.oneof(fc.constant('2.0'), fc.jsonValue()),
        id: fc.oneof(fc.integer(), fc.string(), fc.jsonValue()),
        method: fc.oneof(fc.constantFrom(...methods.keys(), 'nope'), fc.jsonValue()),
        params: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  )
  await fc.assert(
    fc.asyncProperty(jsonish, async (message) => {
      const response = await dispatchRpc(message, caller, methods)
      if (response === null) {
        return validateMessage('jsonrpc-notification', message).ok
      }
      const request = validateMessage('jsonrpc-request', message)
      return isValidResponse(response) && response.id === (request.ok ? request.value.id : null)
    }),
    { numRuns: 200 },
  )
  await fc.assert(
    fc.asyncProperty(fc.string(), async (text) => {
      const response = await dispatchRpcText(text, caller, methods)
      return response === null || isValidResponse(response)
    }),
    { numRuns: 100 },
  )
  t.pass('held for every generated message')
})
