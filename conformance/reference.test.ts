/**
 * The harness against the reference device, run as a child process (reference-child.ts): the
 * correct device passes the cases of §2, §3, §4, §10 and §12, and a device with a fault switch
 * on fails the case that checks that rule (exit 1). `npm run conformance` and
 * `npm run conformance:faults` run every case and every fault; this test keeps to a bounded set.
 */
import t from 'tap'
import { runFault } from './run-faults.ts'

const OWN_AREAS = '2.*,3.*,4.*,10.*,12.*'

t.test('the correct reference device passes (exit 0)', async (t) => {
  const run = await runFault(null, ['--only', OWN_AREAS, '--seed', '1', '--runs', '50'])
  t.same(run.failing, [])
  t.equal(run.exitCode, 0, run.message ?? 'exit 0')
})

t.test('a faulty reference device fails the matching case (exit 1)', async (t) => {
  const faults: [string, string, string[]][] = [
    ['accept-oversized-body', '10.2-*', ['10.2-content-length', '10.2-chunked']],
    ['no-rate-limit', '10.3-per-ip', ['10.3-per-ip']],
    ['invalid-share-500', '2.9-no-internal-error', ['2.9-no-internal-error']],
  ]
  const runs = await Promise.all(
    faults.map(([fault, only]) => runFault(fault, ['--only', only, '--seed', '1'])),
  )
  faults.forEach(([fault, , failing], i) => {
    t.equal(runs[i]!.exitCode, 1, `${fault}: exit 1`)
    t.same(runs[i]!.failing, failing, `${fault}: ${failing.join(', ')} fail`)
  })
})
