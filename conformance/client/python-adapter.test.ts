/**
 * Client mode (spec §14.3) is not tuned to the reference client: the Python client of
 * vectors/examples/python/, written from the spec in another language, passes every client case
 * through the same adapter contract (§12.3). Needs python3 with `cryptography` (.ci/run installs
 * python3-cryptography).
 */
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { EXIT } from '../report/model.ts'
import { runClient } from './runner.ts'

const adapterScript = fileURLToPath(
  new URL('../../vectors/examples/python/pairwire_client.py', import.meta.url),
)

t.test('the Python client adapter passes client mode', async (t) => {
  const outcome = await runClient({
    adapter: `python3 ${adapterScript}`,
    selection: { only: [], skip: [], level: 'should' },
    seed: 1,
    runs: 20,
    timeoutMs: 30_000,
    jobs: 3,
  })
  const { summary, results } = outcome.report
  const failed = results.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}`)
  t.same(failed, [], 'every client case passes')
  t.equal(outcome.exitCode, EXIT.passed)
  t.equal(summary.mustRan, summary.mustTotal, 'every MUST case ran')
})
