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
import { listClientFaults, listFaults, referenceClientAdapter, startReference } from './reference-child.ts'
import { parseClientArgs } from './cli.ts'
import { runClient } from './client/runner.ts'
import { loadClientCases } from './client/registry.ts'
import { EXIT } from './report/model.ts'
import type { CaseResult } from './model.ts'
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
  /** Every result of a client-mode run (client --via-relay's test reads its skips and passes). */
  readonly results?: readonly CaseResult[]
}

/**
 * One harness run against a fresh reference device started with `--fault fault` (if any) and
 * `deviceArgs` (limits over REFERENCE_LIMITS).
 */
export async function runFault(
  fault: string | null,
  harnessArgs: readonly string[],
  deviceArgs: readonly string[] = [],
): Promise<FaultRun> {
  const device = await startReference([...deviceArgs, ...(fault === null ? [] : ['--fault', fault])])
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

/**
 * One client-mode run against the reference client with the client fault switch `fault` (if
 * any) on, through the adapter's environment (reference-client/faults.ts).
 */
export async function runClientFault(
  fault: string | null,
  harnessArgs: readonly string[],
  proof: { readonly first?: string; readonly stopAfterFailure?: boolean } = {},
): Promise<FaultRun> {
  const { options } = parseClientArgs(['--adapter', referenceClientAdapter(), ...harnessArgs])
  // An empty value: no switch, also when the caller's own environment has one.
  const env: Record<string, string> = { PAIRWIRE_CLIENT_FAULTS: fault ?? '' }
  const all = loadClientCases()
  const cases = proof.first === undefined ? all : [...all.filter((c) => c.id === proof.first), ...all.filter((c) => c.id !== proof.first)]
  const stop = proof.stopAfterFailure === true ? { stopAfterFailure: true } : {}
  const outcome = await runClient({ ...options, env, cases, ...stop })
  if (outcome.kind === 'unusable') return { fault, exitCode: outcome.exitCode, failing: [], message: outcome.message }
  const failed = outcome.report.results.filter((r) => r.status === 'fail')
  const reasons = failed.map((r) => `${r.id}: ${r.message ?? 'failed'}`).join('\n')
  return { fault, exitCode: outcome.exitCode, failing: failed.map((r) => r.id), reasons, results: outcome.report.results }
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

/** For every client fault switch, the client-mode case that catches it most directly. */
export const CLIENT_FAULT_CATCHERS: Readonly<Record<string, string>> = {
  'skip-cb-check': '5.9-client-wrong-cb',
  'skip-id-check': '5.9-client-wrong-client-id',
  'write-credentials-before-check': '5.9-client-nothing-stored',
  'ignore-device-key-change': '4.4-client-pinned-key',
  'accept-counter-skip': '7.5-client-skipped-counter',
  'ignore-bad-frame': '7.5-client-bit-flip',
  'accept-text-frame': '7.5-client-text-frame',
  'skip-message-2-payload-check': '7.4-client-message-2-version-2',
  'close-normal-on-failure': '7.5-client-truncated-frame',
  'reuse-nonce': '8.2-client-fresh-nonce',
  'stale-created': '8.2-client-created',
  'take-unmatched-response': '7.6-client-unmatched-response',
  'ignore-ticket-expiry': '6.6-client-expiry',
  'no-discovery-size-limit': '4.4-client-discovery-oversize',
  'reuse-ephemeral': '13.3-client-fresh-ephemeral',
  'skip-cross-limit-check': '4.4-client-discovery-pin-ttl-over-max',
  'give-up-with-handshake-timeout': '7.4-client-gives-up',
  'ignore-advertised-handshake-timeout': '7.4-client-gives-up',
  'close-1007-on-text': '7.5-client-text-not-utf8',
  'accept-close-reason-not-utf8': '7.9-client-framing-close-reason-not-utf8',
  'framing-failure-as-lost-connection': '7.9-client-framing-masked-frame',
  'json-seq-first-element-only': '7.10-client-elements',
}

/**
 * Client mode's power: the correct reference client passes, and each client fault switch makes
 * client mode exit 1. Client runs are process-heavy, so they run one after another, each with
 * its own small worker pool.
 */
async function proveClientFaults(jobs: number): Promise<boolean> {
  const faults = (await listClientFaults()).map((f) => f.fault)
  const started = Date.now()
  const runs: FaultRun[] = []
  for (const fault of [null, ...faults]) {
    // The correct client runs every case; a faulty one until its first MUST failure, starting
    // with the case that catches it (CLIENT_FAULT_CATCHERS): exit 1 is the proof.
    const proof = fault === null ? {} : { first: CLIENT_FAULT_CATCHERS[fault], stopAfterFailure: true }
    const result = await runClientFault(fault, ['--seed', '1', '--jobs', String(Math.max(2, jobs))], proof)
    process.stderr.write(`client ${fault ?? '(correct client)'}: exit ${result.exitCode}, ${result.failing.length} failing\n`)
    runs.push(result)
  }
  const [correct, ...faulty] = runs
  const detected = faulty.filter((r) => r.exitCode === EXIT.mustFailed).length
  const correctPasses = correct!.exitCode === EXIT.passed && correct!.failing.length === 0
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(`client mode (reference client, PAIRWIRE_CLIENT_FAULTS):\n${faultTable(runs)}\n\n`)
  process.stdout.write(
    `client mode: detected ${detected} of ${faulty.length} client faults; ` +
      `correct client ${correctPasses ? 'passes' : 'FAILS'}; ${seconds} s\n`,
  )
  return detected === faulty.length && correctPasses
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
  const clientCaught = await proveClientFaults(jobs > 0 ? jobs : 1)
  process.stdout.write('\n')
  const zaparooCaught = (await runZaparooSwitches()) === 0
  process.stdout.write('\n')
  // Spec §15: the reference relay's fault switches, judged by `pairwire-conformance relay`.
  const relayCaught = await relayFaultsCaught([], Math.min(jobs > 0 ? jobs : 1, 2))
  return detected === faulty.length && correctPasses && clientCaught && zaparooCaught && relayCaught ? 0 : 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`conformance:faults: ${(error as Error).message}\n`)
    return 2
  })
  process.stdout.write('', () => process.exit(code))
}
