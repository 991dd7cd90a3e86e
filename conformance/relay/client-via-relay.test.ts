/**
 * `pairwire-conformance client --adapter CMD --via-relay URL` against the reference client (spec
 * §12.3, §15.5): every harness device holds its slot at a reference relay (relay/slot.ts) and
 * the adapter is given `--relay URL --device ID`, so every pairing, ticket and session of the run
 * travels through the relay. The correct client fails nothing, every skip says why (the signed
 * POST rpc cases name §15.5 pw-relay-15.5-no-plain-rpc), and a client fault is still caught.
 */
import t from 'tap'
import { runClientFault } from '../run-faults.ts'
import { startReferenceRelay } from './reference-relay-child.ts'
import { parseClientArgs } from '../cli.ts'
import { runClient } from '../client/runner.ts'

// The relay's §11.5-style defaults: room for client mode's concurrent streams and sessions.
const RELAY_ROOM = ['--grace', '30', '--claim-timeout', '10', '--idle-timeout', '300', '--ping-interval', '30',
  '--max-stream-buffer', '1048576', '--max-streams-per-device', '64', '--max-connections-per-ip', '256']

// Of the client cases, this many at least pass through the relay (109 on 2026-12-07: pairing,
// tickets, sessions, framing); the rest skip with a reason.
const MIN_PASSES = 100

t.test('client mode through a relay: --via-relay is a URL', async (t) => {
  t.throws(() => parseClientArgs(['--adapter', 'x', '--via-relay', 'not a url']), /--via-relay/)
  t.equal(parseClientArgs(['--adapter', 'x', '--via-relay', 'ws://127.0.0.1:1']).options.viaRelay, 'ws://127.0.0.1:1')
})

t.test('the correct reference client through the relay fails nothing; a fault is still caught', async (t) => {
  const relay = await startReferenceRelay(RELAY_ROOM)
  t.teardown(() => relay.stop())
  const correct = await runClientFault(null, ['--via-relay', relay.url, '--seed', '1', '--jobs', '2', '--allow-skips'])
  t.equal(correct.message, undefined, 'the run was usable')
  t.same(correct.failing, [], correct.reasons ?? 'no case fails through the relay')
  t.equal(correct.exitCode, 0, 'exit 0')
  const results = correct.results ?? []
  const skipped = results.filter((r) => r.status === 'skip')
  t.same(skipped.filter((r) => (r.reason ?? '').trim() === '').map((r) => r.id), [], 'every skip has a reason')
  const passes = results.filter((r) => r.status === 'pass').length
  t.ok(passes >= MIN_PASSES, `${passes} client cases pass through the relay (at least ${MIN_PASSES})`)
  t.ok(skipped.some((r) => /§15\.5 pw-relay-15\.5-no-plain-rpc/.test(r.reason ?? '')), 'signed POST rpc cases skip naming §15.5')

  const faulty = await runClientFault('skip-cb-check', ['--via-relay', relay.url, '--seed', '1', '--jobs', '1', '--only', '5.9-client-wrong-cb'])
  t.equal(faulty.exitCode, 1, 'skip-cb-check: exit 1 through the relay')
  t.same(faulty.failing, ['5.9-client-wrong-cb'], 'caught by 5.9-client-wrong-cb')
})

t.test('an adapter without the relay form of §12.3 makes a --via-relay run unusable (exit 2)', async (t) => {
  const relay = await startReferenceRelay(RELAY_ROOM)
  t.teardown(() => relay.stop())
  const { options } = parseClientArgs(['--adapter', 'sh -c "echo unknown option --relay >&2; exit 3" --', '--via-relay', relay.url, '--only', '12.3-pair-output'])
  const outcome = await runClient(options)
  t.equal(outcome.exitCode, 2)
  if (outcome.kind === 'unusable') t.match(outcome.message, /pw-test-12\.3-relay-option/)
})
