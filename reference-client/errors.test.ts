import t from 'tap'
import { CLOSES } from '../protocol/registry.ts'
import { ClientError, RpcError, isClientError, type VerificationStep } from './errors.ts'

t.test('each kind carries exactly its own fields', async (t) => {
  const problem = ClientError.problem({ type: 'urn:x', status: 403, attempts_remaining: 0 })
  t.match(problem, { kind: 'problem', problem: { attempts_remaining: 0 }, close: null, what: null })
  const close = { code: CLOSES.clientRevoked.code, reason: CLOSES.clientRevoked.reason }
  t.match(ClientError.closed(close), { kind: 'close', close, problem: null, what: null })
  const cause = new Error('detail')
  const verification = ClientError.verification('cB', cause)
  t.match(verification, { kind: 'device-verification', what: 'cB', problem: null, cause })
  t.equal(verification.close, null)
  t.match(ClientError.transport('down'), { kind: 'transport', message: 'down' })
  t.match(ClientError.usage('bad'), { kind: 'usage', message: 'bad' })
})

t.test('verification messages are fixed per check and distinct', async (t) => {
  const steps: VerificationStep[] = [
    'discovery', 'device-id', 'pair-start-response', 'device-key', 'pB', 'pair-finish-response',
    'cB', 'client-id', 'ticket-response', 'noise-message-2', 'frame', 'frame-auth', 'rpc-response',
  ]
  const messages = steps.map((step) => ClientError.verification(step, 'secret detail').message)
  t.equal(new Set(messages).size, steps.length)
  for (const message of messages) t.notMatch(message, 'secret')
})

t.test('isClientError tells the kinds apart', async (t) => {
  t.ok(isClientError(ClientError.usage('x')))
  t.ok(isClientError(ClientError.usage('x'), 'usage'))
  t.notOk(isClientError(ClientError.usage('x'), 'transport'))
  t.notOk(isClientError(new Error('x')))
  t.match(new RpcError(-1, 'm', { d: 1 }), { code: -1, message: 'm', data: { d: 1 } })
})
