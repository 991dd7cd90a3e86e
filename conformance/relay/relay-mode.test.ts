/**
 * `pairwire-conformance relay` against the reference relay, as a user runs it (spec §15, §14.2):
 * the correct relay passes every relay MUST case with none skipped, and a relay with one rule
 * switched off (relay-reorder-frames, relay-grace-expiry-normal) fails the case of that rule.
 * The full fault table is `npm run conformance:faults` (conformance/relay/run-faults.ts).
 */
import t from 'tap'
import { runRelayFault } from './run-faults.ts'

t.test('the correct reference relay passes every relay case', async (t) => {
  const run = await runRelayFault(null, ['--seed', '7'])
  t.equal(run.exitCode, 0, run.reasons ?? run.message ?? '')
  t.same(run.failing, [])
})

t.test('a relay that reorders frames or closes lost streams 1000 is caught', async (t) => {
  const reorder = await runRelayFault('relay-reorder-frames', ['--only', '15.4-*', '--seed', '7'])
  t.equal(reorder.exitCode, 1)
  t.ok(reorder.failing.includes('15.4-opaque-order'), reorder.failing.join(', '))
  const grace = await runRelayFault('relay-grace-expiry-normal', ['--only', '15.6-grace-expiry'])
  t.same(grace.failing, ['15.6-grace-expiry'])
})
