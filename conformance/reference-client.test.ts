/**
 * The fault self-test of client mode, beside reference.test.ts's for server mode (its own file
 * for tap's per-file time limit: each client run starts adapter processes).
 */
import t from 'tap'
import { listClientFaults } from './reference-child.ts'
import { CLIENT_FAULT_CATCHERS, pool, runClientFault } from './run-faults.ts'

/**
 * Client mode (spec §14.2) against the reference client (run through its adapter, never
 * imported): the correct client passes every catcher, and each client fault switch
 * (reference-client/faults.ts) fails exactly the case that catches it.
 */
t.test('every fault switch of the reference client makes client mode exit 1', async (t) => {
  const faults = (await listClientFaults()).map((f) => f.fault)
  t.same(Object.keys(CLIENT_FAULT_CATCHERS).sort(), [...faults].sort(), 'a catcher for every client fault')
  const catchers = [...new Set(Object.values(CLIENT_FAULT_CATCHERS))].join(',')
  const runs = await pool(
    [
      () => runClientFault(null, ['--only', catchers, '--seed', '1', '--jobs', '2']),
      ...faults.map((fault) => () => runClientFault(fault, ['--only', CLIENT_FAULT_CATCHERS[fault]!, '--seed', '1', '--jobs', '1'])),
    ],
    2,
  )
  const [correct, ...faulty] = runs
  t.equal(correct!.exitCode, 0, `the correct client passes the catchers ${correct!.reasons ?? correct!.message ?? ''}`)
  faulty.forEach((run, i) => {
    const fault = faults[i]!
    t.equal(run.exitCode, 1, `${fault}: exit 1 ${run.message ?? ''}`)
    t.same(run.failing, [CLIENT_FAULT_CATCHERS[fault]], `${fault}: ${CLIENT_FAULT_CATCHERS[fault]} fails`)
  })
})
