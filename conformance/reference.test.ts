/**
 * The harness against the reference device, run as a child process (reference-child.ts): the
 * correct device passes the cases of §2, §3, §4, §10 and §12, and a device with a fault switch
 * on fails the case that checks that rule (exit 1), for every fault. `npm run conformance` and
 * `npm run conformance:faults` run every case and every fault; this test keeps to a bounded set.
 */
import t from 'tap'
import { listFaults } from './reference-child.ts'
import { pool, runFault } from './run-faults.ts'

const OWN_AREAS = '2.*,3.*,4.*,10.*,12.*'

t.test('the correct reference device passes (exit 0)', async (t) => {
  const run = await runFault(null, ['--only', OWN_AREAS, '--seed', '1', '--runs', '50'])
  t.same(run.failing, [])
  t.equal(run.exitCode, 0, run.message ?? run.reasons ?? 'exit 0')
})

/**
 * For every fault switch, the case that catches it most quickly (`npm run conformance:faults`
 * runs every case against every fault; this keeps the self-test of spec §14.2's exit 1 fast).
 */
const FAULT_CATCHERS: Readonly<Record<string, string>> = {
  'accept-reused-nonce': '8.7-replayed-nonce',
  'skip-skew-check': '8.7-clock-skew',
  'accept-reused-ticket': '6.3-single-use',
  'no-pin-failure-budget': '5.4-failure-budget',
  'pin-never-expires': '5.4-ttl-at-start',
  'skip-ttl-check-at-finish': '5.4-ttl-at-finish',
  'reveal-cb-before-ca': '5.8-cb-after-ca',
  'invalid-share-500': '5.7-invalid-share',
  'deliver-unauthenticated-frame': '7.5-bit-flip',
  'notify-before-handshake': '7.4-nothing-before-message-2',
  'ignore-revocation': '9.3-close-sessions',
  'accept-oversized-body': '10.2-content-length',
  'no-rate-limit': '10.3-per-ip',
  'claim-nonce-before-verify': '8.7-claim-after-verify',
  'explain-handshake-failure-in-clear': '7.5-no-cleartext',
  'upgrades-skip-ip-bucket': '10.3-per-ip',
  'client-bucket-by-address': '10.3-per-client',
  'compare-sent-signature-length': '8.7-signature-length',
  'operator-revocation-keeps-sessions': '9.3-close-sessions-operator',
  'identity-k-fast-path': '5.7-uniform-work',
  'nonce-ttl-2-skew': '8.8-replay-window',
  'continue-before-413': '10.2-no-continue',
  'accept-small-order-key': '5.7-client-key',
  'echo-client-close': '7.9-close-answer',
  'no-connection-cap': '10.6-connections-per-ip',
}

t.test('every fault switch of the reference device makes the harness exit 1', async (t) => {
  const faults = (await listFaults()).map((f) => f.fault)
  t.same(Object.keys(FAULT_CATCHERS).sort(), [...faults].sort(), 'a catcher for every fault')
  const catchers = Object.values(FAULT_CATCHERS).join(',')
  const runs = await pool(
    [
      () => runFault(null, ['--only', catchers, '--seed', '1']),
      ...faults.map((fault) => () => runFault(fault, ['--only', FAULT_CATCHERS[fault]!, '--seed', '1'])),
    ],
    3,
  )
  const [correct, ...faulty] = runs
  t.equal(correct!.exitCode, 0, `the correct device passes the catchers ${correct!.reasons ?? ''}`)
  faulty.forEach((run, i) => {
    const fault = faults[i]!
    t.equal(run.exitCode, 1, `${fault}: exit 1`)
    t.same(run.failing, [FAULT_CATCHERS[fault]], `${fault}: ${FAULT_CATCHERS[fault]} fails`)
  })
})

