/**
 * `npm run conformance:faults [-- --jobs N] [-- harness options]`: measures the harness's power
 * (DESIGN §5). For every fault that `reference-server/cli.ts --list-faults` prints, it starts the
 * reference device with `--fault NAME`, runs the harness, and records which cases failed; it also
 * runs the correct device. Prints fault -> failing case ids and the detection ratio; exits 1 when
 * a fault goes undetected (no MUST case failed) or the correct device fails any case.
 * Then it runs the zaparoo-v1 emulator switches (test-support/zaparoo-emulator/run-switches.ts,
 * as a child process: conformance/ never imports test-support/) and exits 1 when one is not caught.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseServerArgs } from './cli.ts'
import { PACKAGE_ROOT } from './package-root.ts'
import { listFaults, startReference } from './reference-child.ts'
import { EXIT } from './report/model.ts'
import { run } from './runner.ts'
import { relayFaultsCaught } from './relay/run-faults.ts'

export interface FaultRun {
  /** The fault name, or null for the correct device. */
  readonly fault: string | null
  readonly exitCode: number
  readonly failing: readonly string[]
  /** Why the run was unusable (exit 2). */
  readonly message?: string
  /** Why each failing case failed, one line per case. */
  readonly reasons?: string
}

/** One harness run against a fresh reference device started with `--fault fault` (if any). */
export async function runFault(
  fault: string | null,
  harnessArgs: readonly string[],
): Promise<FaultRun> {
  const device = await startReference(fault === null ? [] : ['--fault', fault])
  try {
    const { options } = parseServerArgs(['--url', device.url, '--test-control', ...harnessArgs])
    const outcome = await run(options)
    if (outcome.kind === 'unusable') {
      return { fault, exitCode: outcome.exitCode, failing: [], message: outcome.message }
    }
    const failed = outcome.report.results.filter((r) => r.status === 'fail')
    const reasons = failed.map((r) => `${r.id}: ${r.message ?? 'failed'}`).join('\n')
    return { fault, exitCode: outcome.exitCode, failing: failed.map((r) => r.id), reasons }
  } finally {
    await device.stop()
  }
}

/** Runs `tasks` with at most `jobs` at a time, keeping their order in the result. */
export async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker))
  return results
}

export function faultTable(runs: readonly FaultRun[]): string {
  const width = Math.max(...runs.map((r) => (r.fault ?? '(none)').length))
  return runs
    .map((r) => {
      const verdict = r.fault === null
        ? (r.failing.length === 0 && r.exitCode === EXIT.passed ? 'passes' : 'FAILS')
        : (r.exitCode === EXIT.mustFailed ? 'detected' : 'UNDETECTED')
      const detail = r.message ?? (r.failing.join(', ') || '-')
      return `${(r.fault ?? '(none)').padEnd(width)}  ${verdict.padEnd(10)}  ${detail}`
    })
    .join('\n')
}

/** The zaparoo-v1 emulator switches' proof; its table goes straight to our stdout. */
function runZaparooSwitches(): Promise<number> {
  const tsx = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx')
  const script = join(PACKAGE_ROOT, 'test-support', 'zaparoo-emulator', 'run-switches.ts')
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [script], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', reject)
    child.once('exit', (code) => resolve(code ?? 1))
  })
}

async function main(argv: readonly string[]): Promise<number> {
  const jobsAt = argv.indexOf('--jobs')
  const jobs = jobsAt < 0 ? 4 : Number(argv[jobsAt + 1])
  const harnessArgs = jobsAt < 0 ? argv : [...argv.slice(0, jobsAt), ...argv.slice(jobsAt + 2)]
  const faults = (await listFaults()).map((f) => f.fault)
  const started = Date.now()
  const tasks = [null, ...faults].map((fault) => async () => {
    const result = await runFault(fault, harnessArgs)
    const { exitCode, failing } = result
    const name = fault ?? '(correct device)'
    process.stderr.write(`${name}: exit ${exitCode}, ${failing.length} failing\n`)
    return result
  })
  const runs = await pool(tasks, jobs > 0 ? jobs : 1)
  const [correct, ...faulty] = runs
  const detected = faulty.filter((r) => r.exitCode === EXIT.mustFailed).length
  const correctPasses = correct!.exitCode === EXIT.passed && correct!.failing.length === 0
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(`${faultTable(runs)}\n\n`)
  process.stdout.write(
    `detected ${detected} of ${faulty.length} faults ` +
      `(${((100 * detected) / Math.max(1, faulty.length)).toFixed(0)}%); ` +
      `correct device ${correctPasses ? 'passes' : 'FAILS'}; ${seconds} s\n`,
  )
  process.stdout.write('\n')
  const zaparooCaught = (await runZaparooSwitches()) === 0
  process.stdout.write('\n')
  // Spec §15: the reference relay's fault switches, judged by `pairwire-conformance relay`.
  const relayCaught = await relayFaultsCaught([], Math.min(jobs > 0 ? jobs : 1, 2))
  return detected === faulty.length && correctPasses && zaparooCaught && relayCaught ? 0 : 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`conformance:faults: ${(error as Error).message}\n`)
    return 2
  })
  process.stdout.write('', () => process.exit(code))
}
