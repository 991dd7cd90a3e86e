// Checks spec requirements: pw-conv-2.9-no-internal-error (an echo too deep to serialize is -32603, not 500)
import t from 'tap'
import { PATHS, RPC_ERRORS } from '../../protocol/registry.ts'
import { pair, signedFetch, startDevice } from './test-fixture.ts'

t.test('POST rpc: an echo of params nested 10000 arrays deep gets -32603, never a 500', async (t) => {
  const device = await startDevice(t)
  const client = await pair(device)
  const depth = 10_000
  const text = `{"jsonrpc":"2.0","id":1,"method":"pairwire.echo","params":${'['.repeat(depth)}${']'.repeat(depth)}}`
  const res = await signedFetch(device, client, { path: PATHS.rpc, text })
  t.equal(res.status, 200)
  const body = (await res.json()) as { id: unknown; error?: { code: number } }
  t.equal(body.id, 1)
  t.equal(body.error?.code, RPC_ERRORS.internalError.code)
})
