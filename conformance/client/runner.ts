/**
 * The client-mode runner (spec §14.2): plays the device (device.ts) and drives the client under
 * test through its adapter (spec §12.3). It checks that the adapter can be run at all (exit 2
 * otherwise), then runs the selected cases on a small pool of workers, since each adapter
 * operation is a process start-up; every case gets its own devices and directory, and the cases
 * of one worker share one correct pairing for the cases that only need a paired client. Results,
 * replay tokens, reports and exit codes are those of server mode.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sectionOf, type CaseResult, type Exchange, type ReplayPoint, type Verdict } from '../model.ts'
import { formatReplay, type ReplayToken } from '../replay.ts'
import { EXIT, exitCodeOf, summarize, type RunReport } from '../report/model.ts'
import { traceLines } from '../report/trace.ts'
import { TOOL, type RunOutcome } from '../runner.ts'
import { selectCases, type Selection } from '../selection.ts'
import { CaseFailure, fail, SetupError, skipCase } from '../verdicts.ts'
import { holdSlot } from '../relay/slot.ts'
import { describeRun, shellAdapter, type Adapter } from './adapter.ts'
import { describeLog, startHarnessDevice, type DeviceScript, type HarnessDevice } from './device.ts'
import { ECHO, ECHO_PARAMS, type ClientCaseContext, type ClientCaseDefinition, type Outcome, type Paired } from './model.ts'
import { loadClientCases } from './registry.ts'

export interface ClientRunOptions {
  /** The adapter command line (spec §12.3), run by /bin/sh. */
  readonly adapter: string
  readonly selection: Selection
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayToken
  /** Time limit of one adapter operation, ms. */
  readonly timeoutMs: number
  /** Cases run at once (each adapter operation is a process). */
  readonly jobs: number
  readonly allowSkips?: boolean
  readonly verbose?: boolean
  readonly cases?: readonly ClientCaseDefinition[]
  /** Added to the adapter's environment (the fault self-test passes its switches here). */
  readonly env?: Readonly<Record<string, string>>
  /** nice(1) increment of every adapter process (npm run conformance, beside server mode). */
  readonly adapterNice?: number
  /** conformance:faults: schedule no more cases once a MUST case failed (exit 1 is the proof). */
  readonly stopAfterFailure?: boolean
  readonly progress?: (line: string) => void
  /** --via-relay URL (spec §12.3, §15.5): every harness device also holds a slot there, and the adapter is told to go through it. */
  readonly viaRelay?: string
}

/**
 * A harness device; with a relay, it also holds its slot there (conformance/relay/slot.ts) and is
 * marked so that the adapter is given `--relay URL --device ID` instead of `--url` (§12.3).
 */
async function startDevice(relay: string | undefined, script: DeviceScript = {}): Promise<HarnessDevice> {
  const device = await startHarnessDevice(script)
  if (relay === undefined) return device
  let slot
  try {
    slot = await holdSlot(relay, device.deviceSeed, Number(new URL(device.url).port))
  } catch (error) {
    await device.close()
    throw new SetupError(`the harness device could not hold its slot at ${relay}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const close = device.close.bind(device)
  return Object.assign(device, { relay, close: async () => (await slot.close(), await close()) })
}

/** How §12.3 tells the adapter where the device is: --url URL, or --relay URL --device ID. */
const whereArgs = (device: HarnessDevice): string[] =>
  device.relay === undefined ? ['--url', device.url] : ['--relay', device.relay, '--device', device.deviceId]

/** fast-check runs of a client property case: each run is an adapter process. */
export const CLIENT_PROPERTY_RUNS = 8
const CASE_LIMIT_MS = 150_000

interface Worker {
  shared?: Paired
  readonly devices: HarnessDevice[]
}

function scriptSummary(script: DeviceScript): unknown {
  const summary = JSON.parse(
    JSON.stringify(script, (_key, value: unknown) => (typeof value === 'function' ? 'rewritten answer' : value)),
  ) as Record<string, unknown>
  return Object.keys(summary).length === 0 ? 'a correct device' : summary
}

async function credentialsState(path: string): Promise<Outcome['credentials']> {
  try {
    const info = await stat(path)
    return { exists: true, mode: info.mode & 0o777 }
  } catch {
    return { exists: false }
  }
}

class CaseScope {
  readonly cleanups: (() => void | Promise<void>)[] = []
  readonly exchanges: Exchange[] = []
  point: ReplayPoint
  #files = 0

  constructor(
    readonly adapter: Adapter,
    readonly worker: Worker,
    readonly dir: string,
    point: ReplayPoint,
    readonly relay?: string,
  ) {
    this.point = point
  }

  credentialsPath(): string {
    this.#files += 1
    return join(this.dir, `credentials-${this.#files}.json`)
  }

  async operation(name: string, device: HarnessDevice, args: string[], credentials: string): Promise<Outcome> {
    const before = device.log.length
    const run = await this.adapter.run(args)
    const log = device.log.slice(before)
    const state = await credentialsState(credentials)
    this.exchanges.push({
      step: `adapter ${name}`,
      sent: { device: scriptSummary(device.script) },
      actual: {
        ...describeRun(run, device.pin),
        credentials: state.exists ? `mode ${state.mode!.toString(8)}` : 'no file',
      },
      trace: describeLog(log),
    })
    return { run, credentials: state, log }
  }

  async device(script: DeviceScript = {}): Promise<HarnessDevice> {
    const device = await startDevice(this.relay, script)
    this.cleanups.push(() => device.close())
    return device
  }

  pair(device: HarnessDevice, credentials: string, pin = device.pin): Promise<Outcome> {
    return this.operation('pair', device, ['pair', ...whereArgs(device), '--pin', pin, '--credentials', credentials], credentials)
  }

  async pairedOn(device: HarnessDevice, script: DeviceScript, credentials = this.credentialsPath()): Promise<Paired> {
    const outcome = await this.pair(device, credentials)
    if (outcome.run.exitCode !== 0 || !outcome.credentials.exists) {
      throw new CaseFailure(
        fail('the client could not pair with a correct device', 'exit 0 and a credentials file', describeRun(outcome.run, device.pin)),
      )
    }
    device.reset(script)
    return { device, credentials }
  }
}

function contextOf(scope: CaseScope, options: ClientRunOptions, replayed: ReplayPoint | undefined): ClientCaseContext {
  // §12.3: through a relay, call, signed-call and unpair are given --relay URL as well.
  const relayArgs = (paired: Paired) => (paired.device.relay === undefined ? [] : ['--relay', paired.device.relay])
  const op = (name: string, paired: Paired, args: string[]) =>
    scope.operation(name, paired.device, [name, ...args, ...relayArgs(paired), '--credentials', paired.credentials], paired.credentials)
  const callArgs = (method: string, params: unknown) => ['--method', method, '--params', JSON.stringify(params)]
  return {
    seed: scope.point.seed,
    runs: options.runs,
    ...(replayed === undefined ? {} : { replay: replayed }),
    timeoutMs: options.timeoutMs,
    record: (exchange) => void scope.exchanges.push(exchange),
    setReplay: (point) => void (scope.point = point),
    defer: (cleanup) => void scope.cleanups.push(cleanup),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    device: (script) => scope.device(script),
    credentialsPath: () => scope.credentialsPath(),
    pair: (device, credentials, pin) => scope.pair(device, credentials, pin),
    async paired(script = {}) {
      const shared = scope.worker.shared
      if (shared !== undefined) {
        shared.device.reset(script)
        return shared
      }
      const device = await startDevice(scope.relay)
      scope.worker.devices.push(device)
      // Outside the case's directory, which goes with the case.
      const dir = await mkdtemp(join(tmpdir(), 'pw-client-shared-'))
      const paired = await scope.pairedOn(device, script, join(dir, 'credentials.json'))
      scope.worker.shared = paired
      return paired
    },
    async pairedFresh(script = {}) {
      return scope.pairedOn(await scope.device(), script)
    },
    call: (paired, method = ECHO, params = ECHO_PARAMS) => op('call', paired, callArgs(method, params)),
    signedCall: (paired, method = ECHO, params = ECHO_PARAMS) =>
      paired.device.relay === undefined
        ? op('signed-call', paired, callArgs(method, params))
        // A device answers POST rpc on a relayed stream with 404: nothing to judge a signed call by.
        : skipCase('a signed POST /pairwire/v1/rpc is not served through a relay (spec §15.5 pw-relay-15.5-no-plain-rpc)'),
    unpair: (paired) => op('unpair', paired, []),
  }
}

function verdictOf(error: unknown): Verdict {
  if (error instanceof SetupError) throw error
  if (error instanceof CaseFailure) return error.verdict
  const message = error instanceof Error ? error.message : String(error)
  return fail(`the case raised an unexpected error: ${message}`, 'a verdict', message)
}

async function bounded(work: Promise<Verdict>, limitMs: number): Promise<Verdict> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => resolve(fail(`the case did not finish within ${limitMs / 1000} s`, 'a verdict', 'timeout')), limitMs)
  })
  try {
    return await Promise.race([work.catch(verdictOf), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function runClientCase(
  c: ClientCaseDefinition,
  adapter: Adapter,
  worker: Worker,
  options: ClientRunOptions,
): Promise<CaseResult> {
  const started = Date.now()
  const replayed = options.replay?.id === c.id ? options.replay.point : undefined
  const dir = await mkdtemp(join(tmpdir(), 'pw-client-case-'))
  const scope = new CaseScope(adapter, worker, dir, replayed ?? { seed: options.seed }, options.viaRelay)
  let verdict: Verdict
  try {
    verdict = await bounded(c.run(contextOf(scope, options, replayed)), CASE_LIMIT_MS)
  } finally {
    for (const cleanup of scope.cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
  const { id, level, requirement, title } = c
  const details =
    verdict.status === 'fail'
      ? { message: verdict.message, expected: verdict.expected, actual: verdict.actual }
      : verdict.status === 'skip'
        ? { reason: verdict.reason, cause: verdict.cause ?? 'precondition' }
        : {}
  return {
    id,
    section: sectionOf(id),
    level,
    requirement,
    title,
    status: verdict.status,
    ...details,
    exchanges: scope.exchanges,
    replay: formatReplay(c.id, scope.point),
    durationMs: Date.now() - started,
  }
}

function reportOf(options: ClientRunOptions, startedAt: Date, mustTotal: number, results: CaseResult[], exitCode: number, error?: string): RunReport {
  return {
    tool: TOOL,
    mode: 'client',
    target: { url: options.adapter },
    seed: options.seed,
    runs: options.runs,
    level: options.selection.level,
    slow: false,
    pinSource: 'harness',
    startedAt,
    finishedAt: new Date(),
    summary: summarize(results, mustTotal),
    exitCode,
    results,
    ...(error === undefined ? {} : { error }),
  }
}

/** Can the adapter be run at all? A shell that cannot find or execute it makes the run exit 2. */
async function preflight(adapter: Adapter, relay?: string): Promise<{ unusable?: string; shared?: Paired; device: HarnessDevice }> {
  const device = await startDevice(relay)
  const dir = await mkdtemp(join(tmpdir(), 'pw-client-preflight-'))
  const credentials = join(dir, 'credentials.json')
  const run = await adapter.run(['pair', ...whereArgs(device), '--pin', device.pin, '--credentials', credentials])
  if (run.unrunnable !== undefined) {
    await rm(dir, { recursive: true, force: true })
    return { unusable: `the adapter cannot be run: ${run.unrunnable}`, device }
  }
  if (relay !== undefined && run.exitCode === 3 && device.log.length === 0) {
    // §12.3 pw-test-12.3-relay-option is a MAY: an adapter without it cannot be judged through a relay.
    await rm(dir, { recursive: true, force: true })
    return { unusable: `the adapter does not accept pair --relay URL --device ID (spec §12.3 pw-test-12.3-relay-option): ${run.stderr.trim().slice(0, 200)}`, device }
  }
  const state = await credentialsState(credentials)
  // A pairing that worked is the first worker's shared pairing; one that did not is judged by
  // the cases (a client that cannot pair fails them), not taken for an unusable adapter.
  if (run.exitCode === 0 && state.exists) return { shared: { device, credentials }, device }
  await rm(dir, { recursive: true, force: true })
  return { device }
}

/** Runs client mode; resolves to the report, and for exit 2 also to why the run stopped. */
export async function runClient(options: ClientRunOptions): Promise<RunOutcome> {
  const startedAt = new Date()
  const all = options.cases ?? loadClientCases()
  const mustTotal = all.filter((c) => c.level === 'MUST').length
  const unusable = (message: string, results: CaseResult[] = []): RunOutcome => {
    const report = reportOf(options, startedAt, mustTotal, results, EXIT.unusable, message)
    return { kind: 'unusable', message, exitCode: EXIT.unusable, report }
  }
  const selected = selectCases(all, options.selection)
  if (selected.length === 0) {
    return unusable(options.replay === undefined ? 'no case matches the selection' : `no case matches --replay ${options.replay.id}`)
  }
  const adapter = shellAdapter(options.adapter, options.timeoutMs, options.env, options.adapterNice)
  const workers: Worker[] = Array.from({ length: Math.max(1, options.jobs) }, () => ({ devices: [] }))
  const first = await preflight(adapter, options.viaRelay)
  workers[0]!.devices.push(first.device)
  try {
    if (first.unusable !== undefined) return unusable(first.unusable)
    if (first.shared !== undefined) workers[0]!.shared = first.shared
    const results: CaseResult[] = new Array(selected.length)
    // The long cases first (runsMany); results keep the selection's order. A run that stops
    // at its first failure keeps the given order: its caller put the case it expects first.
    const heavy = (i: number): number => (options.stopAfterFailure !== true && selected[i]!.runsMany === true ? 1 : 0)
    const order = selected.map((_, i) => i).sort((a, b) => heavy(b) - heavy(a))
    let next = 0
    let done = 0
    const work = async (worker: Worker): Promise<void> => {
      while (next < selected.length) {
        const i = order[next++]!
        const c = selected[i]!
        const result = await runClientCase(c, adapter, worker, options)
        results[i] = result
        if (options.stopAfterFailure === true && result.status === 'fail' && result.level === 'MUST') next = selected.length
        done += 1
        options.progress?.(`[${done}/${selected.length}] ${c.id} ${result.status} (${result.durationMs} ms)`)
        if (options.verbose === true) for (const line of traceLines(result)) options.progress?.(line)
      }
    }
    await Promise.all(workers.slice(0, selected.length).map(work))
    const ran = results.filter((r) => r !== undefined)
    const summary = summarize(ran, mustTotal)
    const exitCode = exitCodeOf(summary, options.allowSkips === true)
    return { kind: 'done', report: reportOf(options, startedAt, mustTotal, ran, exitCode), exitCode }
  } finally {
    for (const worker of workers) {
      for (const device of worker.devices) await device.close()
      if (worker.shared !== undefined) await rm(join(worker.shared.credentials, '..'), { recursive: true, force: true })
    }
  }
}
