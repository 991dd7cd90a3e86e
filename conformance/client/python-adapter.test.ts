/**
 * Client mode (spec §14.3) is not tuned to the reference client: the Python client of
 * vectors/examples/python/, written from the spec in another language, passes every client case
 * through the same adapter contract (§12.3), but for the optional packed plaintexts (§7.10),
 * which it may not offer: that case is then skipped as not supported. Needs python3 with
 * `cryptography` (.ci/run installs python3-cryptography).
 */
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { EXIT } from '../report/model.ts'
import { runClient } from './runner.ts'

/** The cases of an optional client feature, which a client that lacks it skips as not supported. */
const OPTIONAL = new Set(['7.10-client-elements'])

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
  const notSupported = (r: (typeof results)[number]) => r.status === 'skip' && r.cause === 'not-supported' && OPTIONAL.has(r.id)
  const failed = results.filter((r) => r.status !== 'pass' && !notSupported(r)).map((r) => `${r.id}: ${r.status}`)
  t.same(failed, [], 'every client case passes, or is an optional one not supported')
  t.equal(outcome.exitCode, EXIT.passed)
  t.equal(summary.mustRan + results.filter(notSupported).length, summary.mustTotal, 'every other MUST case ran')
})
