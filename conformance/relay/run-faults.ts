/**
 * The relay half of `npm run conformance:faults` (DESIGN §5): for every fault switch that
 * `reference-relay/cli.ts --list-faults` prints, start the reference relay with it, run
 * `pairwire-conformance relay` against it, and record which cases failed; the correct relay must
 * pass every case. Run alone: `node dist/conformance/relay/run-faults.js [--jobs N] [FAULT...]`.
 */
import { pathToFileURL } from 'node:url'
import { EXIT } from '../report/model.ts'
import { faultTable, pool, type FaultRun } from '../run-faults.ts'
import { parseRelayArgs } from './cli.ts'
import { listRelayFaults, RELAY_HARNESS_FLAGS, startReferenceRelay } from './reference-relay-child.ts'
import { runRelay } from './run.ts'

export async function runRelayFault(fault: string | null, harnessArgs: readonly string[] = []): Promise<FaultRun> {
  const relay = await startReferenceRelay(fault === null ? [] : ['--fault', fault])
  try {
    const { options } = parseRelayArgs(['--url', relay.url, ...RELAY_HARNESS_FLAGS, ...harnessArgs])
    const outcome = await runRelay(options)
    if (outcome.kind === 'unusable') return { fault, exitCode: outcome.exitCode, failing: [], message: outcome.message }
    const failed = outcome.report.results.filter((r) => r.status === 'fail')
    const reasons = failed.map((r) => `${r.id}: ${r.message ?? 'failed'}`).join('\n')
    return { fault, exitCode: outcome.exitCode, failing: failed.map((r) => r.id), reasons }
  } finally {
    await relay.stop()
  }
}

/** Prints the relay fault table; resolves true when every fault is caught and the correct relay passes. */
export async function relayFaultsCaught(names: readonly string[] = [], jobs = 2, harnessArgs: readonly string[] = []): Promise<boolean> {
  const all = (await listRelayFaults()).map((f) => f.fault)
  const faults = names.length === 0 ? all : all.filter((f) => names.includes(f))
  const runs = await pool([null, ...faults].map((fault) => async () => {
    const result = await runRelayFault(fault, harnessArgs)
    process.stderr.write(`${fault ?? '(correct relay)'}: exit ${result.exitCode}, ${result.failing.length} failing\n`)
    return result
  }), jobs)
  const [correct, ...faulty] = runs
  const detected = faulty.filter((r) => r.exitCode === EXIT.mustFailed).length
  const correctPasses = correct!.exitCode === EXIT.passed && correct!.failing.length === 0
  process.stdout.write(`${faultTable(runs)}\n\nrelay: detected ${detected} of ${faulty.length} faults; correct relay ${correctPasses ? 'passes' : 'FAILS'}\n`)
  return detected === faulty.length && correctPasses
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2)
  const jobsAt = argv.indexOf('--jobs')
  const jobs = jobsAt < 0 ? 2 : Number(argv[jobsAt + 1])
  const names = argv.filter((a, i) => !a.startsWith('--') && (jobsAt < 0 || i !== jobsAt + 1))
  const ok = await relayFaultsCaught(names, jobs > 0 ? jobs : 1).catch((error: unknown) => {
    process.stderr.write(`relay faults: ${(error as Error).message}\n`)
    return false
  })
  process.stdout.write('', () => process.exit(ok ? 0 : 1))
}
