/**
 * An optional feature the device lacks is reported as skipped with the reason, never as a pass
 * or a failure (STYLE "jose"): the signed-upgrade cases (spec §7.2) against a reference device
 * started with --no-signed-upgrade, which answers them 401 ticket-missing.
 */
import t from 'tap'
import { parseServerArgs } from './cli.ts'
import { startReference } from './reference-child.ts'
import { run } from './runner.ts'

t.test('signed upgrades declined: both cases skipped, saying why, beside a case that ran', async (t) => {
  const device = await startReference(['--no-signed-upgrade'])
  t.teardown(() => device.stop())
  // 7.2-ticket-missing runs too: a run whose every case was skipped checked nothing (exit 2).
  const only = '7.2-ticket-missing,7.2-signed-upgrade,7.2-signed-upgrade-replay'
  const { options } = parseServerArgs(['--url', device.url, '--test-control', '--only', only, '--seed', '1'])
  const outcome = await run(options)
  if (outcome.kind === 'unusable') throw new Error(outcome.message)
  t.equal(outcome.exitCode, 0)
  const [ran, ...declined] = outcome.report.results
  t.equal(ran?.status, 'pass', '7.2-ticket-missing')
  for (const result of declined) {
    t.equal(result.status, 'skip', result.id)
    t.match(result.reason, /does not accept signed upgrades/, result.id)
  }
  t.equal(declined.length, 2)
})
