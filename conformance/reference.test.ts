/**
 * The harness against the reference device, run as a child process (reference-child.ts): a
 * device with a fault switch on fails the case that checks that rule (exit 1), for every fault,
 * and the correct device passes those cases. `npm run conformance` and `npm run
 * conformance:faults` run every case and every fault; this test keeps to a bounded set.
 *
 * That the correct device passes every case (this file once also ran §2, §3, §4, §10 and §12 at
 * 50 runs) is checked by packaging/readme.test.ts: its quick start types `npm run conformance`,
 * every case at the default 100 runs against the same device with the same limits, and asserts
 * exit 0 and no FAIL or WARN line (no failing case, SHOULD cases included).
 */
import t from 'tap'
import { listFaults } from './reference-child.ts'
import { pool, runFault } from './run-faults.ts'

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
  'json-seq-to-non-offering': '7.10-only-when-accepted',
  'json-seq-unoffered-answer': '7.10-answer-only-offers',
  'json-seq-first-element-only': '7.10-device-elements',
  'json-seq-no-element-cap': '7.10-too-many-elements',
  'json-seq-no-pack-cap': '7.10-at-most-64',
  'signed-upgrade-no-nonce-claim': '7.2-signed-upgrade-replay',
  'signed-upgrade-skip-verify': '7.2-signed-upgrade',
}

/**
 * The catcher runs' device: REFERENCE_LIMITS with a per-IP rate of 1000 a minute, not 3000. The
 * bucket is sized for the whole run of `npm run conformance`; these runs send a few hundred
 * requests before 10.3-per-ip, which floods the bucket: a third of the flood (still over
 * rate_client_per_minute 300, so 10.3-per-client tells the two apart). Three runs flood it (the
 * correct device, no-rate-limit, upgrades-skip-ip-bucket), and at 3000 the correct device's
 * flood outlasted the case's 60 s on a loaded machine.
 */
const CATCHER_DEVICE = ['--rate-ip-per-minute', '1000']

t.test('every fault switch of the reference device makes the harness exit 1', async (t) => {
  const faults = (await listFaults()).map((f) => f.fault)
  t.same(Object.keys(FAULT_CATCHERS).sort(), [...faults].sort(), 'a catcher for every fault')
  const catchers = Object.values(FAULT_CATCHERS).join(',')
  const runs = await pool(
    [
      () => runFault(null, ['--only', catchers, '--seed', '1'], CATCHER_DEVICE),
      ...faults.map((fault) => () => runFault(fault, ['--only', FAULT_CATCHERS[fault]!, '--seed', '1'], CATCHER_DEVICE)),
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

