/**
 * The server-mode runner of the conformance harness (spec §14.2, DESIGN §5): read discovery,
 * select cases, run them one at a time (they share one device and its pairing window; a case
 * that only waits out a device timer lets the next one start), turn every
 * outcome into a CaseResult with a replay token, and compute the exit code. A case that cannot run
 * is skipped with its reason; a case that throws or hangs is a failure, never a crash.
 */
import {
  sectionOf,
  type AlongsideTiming,
  type CaseContext,
  type CaseDefinition,
  type DirectOnly,
  type CaseResult,
  type Exchange,
  type ReplayPoint,
  type Target,
  type Verdict,
} from './model.ts'
import { PACKAGE_VERSION } from './package-root.ts'
import { NO_PIN_REASON, pinSource, resolvePins, type PinOption, type ResolvedPins } from './pins.ts'
import { loadCases } from './registry.ts'
import { formatReplay, type ReplayToken } from './replay.ts'
import { traceLines } from './report/trace.ts'
import { EXIT, exitCodeOf, summarize, type RunReport } from './report/model.ts'
import { selectCases, type Selection } from './selection.ts'
import { RequestPacer } from './drivers/pacer.ts'
import { PHASES } from './phases.ts'
import { loadTarget } from './target.ts'
import { CaseFailure, fail, SetupError, skip, type SkipVerdict } from './verdicts.ts'

export interface RunOptions {
  readonly url: string
  readonly pins: PinOption
  readonly selection: Selection
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayToken
  readonly timeoutMs: number
  readonly slow: boolean
  /** --allow-skips: MUST cases skipped for a missing PIN source do not make exit 3. */
  readonly allowSkips?: boolean
  /** -v: each case's wire trace goes to progress as it finishes. */
  readonly verbose?: boolean
  /** The case list (tests pass their own); defaults to every registered case. */
  readonly cases?: readonly CaseDefinition[]
  /** Progress lines while running (the CLI writes them to stderr). */
  readonly progress?: (line: string) => void
  /** --via-relay: the url is a bridge to a device behind a relay (Target.relayed). */
  readonly relayed?: boolean
}

/** Every outcome carries a report, so that --report files are written on every exit (§14.2). */
export type RunOutcome =
  | {
      readonly kind: 'unusable'
      readonly message: string
      readonly exitCode: number
      readonly report: RunReport
    }
  | { readonly kind: 'done'; readonly report: RunReport; readonly exitCode: number }

/** Cases that wait longer than this many seconds run only with --slow (spec §14.2). */
export const SLOW_SECONDS = 15
/** Exchanges kept per case: the first few and the last ones, where a failure shows. */
const KEEP_FIRST = 10
const KEEP_LAST = 40


export const TOOL = { name: 'pairwire-conformance', version: PACKAGE_VERSION } as const

class ExchangeLog {
  private readonly first: Exchange[] = []
  private last: Exchange[] = []
  private dropped = 0

  add(exchange: Exchange): void {
    if (this.first.length < KEEP_FIRST) return void this.first.push(exchange)
    this.last.push(exchange)
    if (this.last.length > KEEP_LAST) {
      this.last = this.last.slice(1)
      this.dropped += 1
    }
  }

  all(): Exchange[] {
    const gap = this.dropped === 0 ? [] : [{ step: `… ${this.dropped} more exchanges not shown` }]
    return [...this.first, ...gap, ...this.last]
  }
}

/** Why a selected case cannot run against this target with these options, if it cannot. */
function skipOf(c: CaseDefinition, target: Target, setup: CaseRun): SkipVerdict | undefined {
  const relayed = relayedSkipOf(c, target)
  if (relayed !== undefined) return relayed
  const missing = (c.profiles ?? []).filter((p) => !target.discovery.profiles.includes(p))
  if (missing.length > 0) {
    return skip(`profile ${missing.join(', ')} not advertised by the device`, 'not-supported')
  }
  if (c.needsPin === true && setup.pins.kind === 'none') return skip(NO_PIN_REASON, 'setup')
  const wait = c.waitSeconds?.(target) ?? 0
  if (wait > SLOW_SECONDS && !setup.options.slow) {
    return skip(`waits ${wait} s: pass --slow`, 'slow')
  }
  return undefined
}

/** Why a case cannot be judged through a relay, or only through one (spec §15.5). */
const DIRECT_ONLY: Readonly<Record<DirectOnly, string>> = {
  'plain-rpc': 'not run through a relay: it judges POST rpc, which a device answers 404 on a relayed stream (§15.5 pw-relay-15.5-no-plain-rpc)',
  'test-control': 'not run through a relay: test-control is never served on a relayed stream (§15.5 pw-relay-15.5-no-test-control)',
}

function relayedSkipOf(c: CaseDefinition, target: Target): SkipVerdict | undefined {
  if (target.relayed !== true) {
    return c.relayedOnly === true ? skip('judges relayed streams only: run with --via-relay (§15.5)', 'not-supported') : undefined
  }
  const direct = c.directOnly ?? (c.profiles?.includes('test-control') === true ? 'test-control' : undefined)
  return direct === undefined ? undefined : skip(DIRECT_ONLY[direct], 'not-supported')
}

/** The options of a run with its PIN source resolved against discovery. */
interface CaseRun {
  readonly options: RunOptions
  readonly pins: ResolvedPins
}

function caseTimeoutMs(c: CaseDefinition, target: Target, options: RunOptions): number {
  const waitMs = (c.waitSeconds?.(target) ?? 0) * 1000
  return Math.max(60_000, 10 * options.timeoutMs) + 2 * waitMs
}

function verdictOf(error: unknown): Verdict {
  if (error instanceof SetupError) throw error
  if (error instanceof CaseFailure) return error.verdict
  const message = error instanceof Error ? error.message : String(error)
  return fail(`the case raised an unexpected error: ${message}`, 'a verdict', message)
}

/**
 * Runs the case with a time limit. Time the pacer made it wait (drivers/pacer.ts: staying within
 * the device's advertised rate limit) is added to the limit, so a slow-paced device is not failed
 * for the harness's own waiting.
 */
async function runBounded(c: CaseDefinition, ctx: CaseContext, limitMs: number): Promise<Verdict> {
  let timer: NodeJS.Timeout | undefined
  const waited = (): number => ctx.target.pacer?.waitedMs ?? 0
  const waitedBefore = waited()
  const timeout = new Promise<Verdict>((resolve) => {
    const message = `the case did not finish within ${limitMs / 1000} s`
    let granted = 0
    const expire = (): void => {
      const extra = waited() - waitedBefore - granted
      if (extra <= 0) return resolve(fail(message, 'a verdict', 'timeout'))
      granted += extra
      timer = setTimeout(expire, extra)
    }
    timer = setTimeout(expire, limitMs)
  })
  try {
    return await Promise.race([c.run(ctx).catch(verdictOf), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A started case: `done` when it finished, `alongside` when it only waits from then on. */
interface StartedCase {
  readonly done: Promise<CaseResult>
  readonly alongside: Promise<AlongsideTiming>
}

function startCase(c: CaseDefinition, target: Target, setup: CaseRun): StartedCase {
  let waitAlongside = (_timing: AlongsideTiming): void => undefined
  const alongside = new Promise<AlongsideTiming>((resolve) => (waitAlongside = resolve))
  return { done: runCase(c, target, setup, waitAlongside), alongside }
}

async function runCase(
  c: CaseDefinition,
  target: Target,
  setup: CaseRun,
  waitAlongside: (timing: AlongsideTiming) => void,
): Promise<CaseResult> {
  const { options } = setup
  const started = Date.now()
  const log = new ExchangeLog()
  const cleanups: (() => void | Promise<void>)[] = []
  const replayed = options.replay?.id === c.id ? options.replay.point : undefined
  let point: ReplayPoint = replayed ?? { seed: options.seed }
  const record = (exchange: Exchange): void => log.add(exchange)
  const ctx: CaseContext = {
    target,
    pins: pinSource(setup.pins, { target, timeoutMs: options.timeoutMs, record }),
    seed: point.seed,
    runs: options.runs,
    ...(replayed === undefined ? {} : { replay: replayed }),
    timeoutMs: options.timeoutMs,
    slow: options.slow,
    record,
    setReplay: (p) => void (point = p),
    defer: (cleanup) => void cleanups.push(cleanup),
    waitAlongside,
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  }
  const skipped = skipOf(c, target, setup)
  let verdict: Verdict
  try {
    verdict = skipped ?? (await runBounded(c, ctx, caseTimeoutMs(c, target, options)))
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined)
    }
  }
  return resultOf(c, verdict, log.all(), formatReplay(c.id, point), Date.now() - started)
}

function resultOf(
  c: CaseDefinition,
  verdict: Verdict,
  exchanges: Exchange[],
  replay: string,
  durationMs: number,
): CaseResult {
  const { id, level, requirement, title } = c
  const base = { id, section: sectionOf(id), level, requirement, title }
  const details =
    verdict.status === 'fail'
      ? { message: verdict.message, expected: verdict.expected, actual: verdict.actual }
      : verdict.status === 'skip'
        ? { reason: verdict.reason, cause: verdict.cause ?? 'precondition' }
        : {}
  return { ...base, status: verdict.status, ...details, exchanges, replay, durationMs }
}

/** What a report says before the run knows more. */
interface RunFacts {
  readonly options: RunOptions
  readonly startedAt: Date
  readonly mustTotal: number
  readonly target?: Target
  readonly pins?: ResolvedPins
}

function reportOf(
  facts: RunFacts,
  results: CaseResult[],
  exitCode: number,
  error?: string,
): RunReport {
  const { options, target } = facts
  const report: RunReport = {
    tool: TOOL,
    mode: 'server',
    target: {
      url: options.url,
      ...(target === undefined ? {} : { deviceId: target.discovery.device_id }),
    },
    seed: options.seed,
    runs: options.runs,
    level: options.selection.level,
    slow: options.slow,
    pinSource: facts.pins?.kind ?? options.pins.kind,
    startedAt: facts.startedAt,
    finishedAt: new Date(),
    summary: summarize(results, facts.mustTotal),
    exitCode,
    results,
    ...(error === undefined ? {} : { error }),
    // Tenths of a second: the Date field it comes from has 1 s resolution.
    ...(target?.clockOffsetMs === undefined
      ? {}
      : { clockOffsetSeconds: Math.round(target.clockOffsetMs / 100) / 10 }),
  }
  return report
}

function unusable(facts: RunFacts, message: string, results: CaseResult[] = []): RunOutcome {
  const exitCode = EXIT.unusable
  return { kind: 'unusable', message, exitCode, report: reportOf(facts, results, exitCode, message) }
}

/** Runs the harness; resolves to the report, and for exit 2 also to why the run stopped. */
export async function run(options: RunOptions): Promise<RunOutcome> {
  const all = options.cases ?? loadCases()
  const before: RunFacts = {
    options,
    startedAt: new Date(),
    mustTotal: all.filter((c) => c.level === 'MUST').length,
  }
  const selected = selectCases(all, options.selection)
  if (selected.length === 0) {
    const what = options.replay === undefined ? 'the selection' : `--replay ${options.replay.id}`
    return unusable(before, `no case matches ${what}`)
  }
  const loaded = await loadTarget(options.url, options.timeoutMs)
  if (!loaded.ok) return unusable(before, loaded.message)
  const perMinute = loaded.target.discovery.limits['rate_ip_per_minute']
  const found = options.relayed === true ? { ...loaded.target, relayed: true } : loaded.target
  const target = perMinute === undefined ? found : { ...found, pacer: new RequestPacer(perMinute) }
  const pins = resolvePins(options.pins, target.discovery.profiles)
  const facts: RunFacts = { ...before, target, pins }
  if (options.pins.kind === 'test-control' && !target.discovery.profiles.includes('test-control')) {
    const message =
      '--test-control: the device does not advertise the test-control profile (spec §12)'
    return unusable(facts, message)
  }
  // Results stay in case order although cases that wait alongside (CaseContext.waitAlongside)
  // finish later than the ones started after them.
  const slots: (CaseResult | undefined)[] = []
  const results = (): CaseResult[] => slots.filter((r) => r !== undefined)
  let setupFailure: string | undefined
  let waiting: { readonly done: Promise<void>; readonly timing?: AlongsideTiming }[] = []
  const awaitWaiting = async (which: (timing?: AlongsideTiming) => boolean): Promise<void> => {
    await Promise.all(waiting.filter((w) => which(w.timing)).map((w) => w.done))
    waiting = waiting.filter((w) => !which(w.timing))
  }
  let finished = 0
  for (const [i, c] of selected.entries()) {
    const phase = c.phase ?? PHASES.normal
    // A case that spends a budget of §10 must find no other case running; an 'on-time' wait
    // shares the device with the other timer cases only.
    if (phase >= PHASES.budgets) await awaitWaiting(() => true)
    else if (phase > PHASES.timers) await awaitWaiting((timing) => timing === 'on-time')
    if (setupFailure !== undefined) break
    const started = startCase(c, target, { options, pins })
    const done = started.done.then(
      (result) => {
        slots[i] = result
        finished += 1
        const { status, durationMs } = result
        options.progress?.(`[${finished}/${selected.length}] ${c.id} ${status} (${durationMs} ms)`)
        if (options.verbose === true) for (const line of traceLines(result)) options.progress?.(line)
      },
      (error: unknown) => {
        if (!(error instanceof SetupError)) throw error
        setupFailure ??= `${c.id}: ${error.message}`
      },
    )
    const timing = await Promise.race([done.then(() => undefined), started.alongside])
    waiting.push({ done, ...(timing === undefined ? {} : { timing }) })
  }
  await awaitWaiting(() => true)
  if (setupFailure !== undefined) return unusable(facts, setupFailure, results())
  const summary = summarize(results(), facts.mustTotal)
  const exitCode = exitCodeOf(summary, options.allowSkips === true)
  return { kind: 'done', report: reportOf(facts, results(), exitCode), exitCode }
}

/** The report of a command line that could not be parsed: nothing ran (exit 2, spec §14.2). */
export function usageReport(url: string, message: string): RunReport {
  const now = new Date()
  return {
    tool: TOOL,
    mode: 'server',
    target: { url: url === '' ? '(no --url)' : url },
    seed: 0,
    runs: 1,
    level: 'should',
    slow: false,
    pinSource: 'auto',
    startedAt: now,
    finishedAt: now,
    summary: summarize([], loadCases().filter((c) => c.level === 'MUST').length),
    exitCode: EXIT.unusable,
    results: [],
    error: message,
  }
}
