/**
 * The server-mode runner of the conformance harness (spec §14.2, DESIGN §5): read discovery,
 * select cases, run them one at a time (they share one device and its pairing window), turn every
 * outcome into a CaseResult with a replay token, and compute the exit code. A case that cannot run
 * is skipped with its reason; a case that throws or hangs is a failure, never a crash.
 */
import {
  sectionOf,
  type CaseContext,
  type CaseDefinition,
  type CaseResult,
  type Exchange,
  type ReplayPoint,
  type Target,
  type Verdict,
} from './model.ts'
import { PACKAGE_VERSION } from './package-root.ts'
import { NO_PIN_REASON, pinSource, type PinOption } from './pins.ts'
import { loadCases } from './registry.ts'
import { formatReplay, type ReplayToken } from './replay.ts'
import { EXIT, exitCodeOf, summarize, type RunReport } from './report/model.ts'
import { selectCases, type Selection } from './selection.ts'
import { RequestPacer } from './drivers/pacer.ts'
import { loadTarget } from './target.ts'
import { CaseFailure, fail, skip } from './verdicts.ts'

export interface RunOptions {
  readonly url: string
  readonly pins: PinOption
  readonly selection: Selection
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayToken
  readonly timeoutMs: number
  readonly slow: boolean
  /** The case list (tests pass their own); defaults to every registered case. */
  readonly cases?: readonly CaseDefinition[]
  /** Progress lines while running (the CLI writes them to stderr). */
  readonly progress?: (line: string) => void
}

export type RunOutcome =
  | { readonly kind: 'unusable'; readonly message: string; readonly exitCode: number }
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
function skipReason(c: CaseDefinition, target: Target, options: RunOptions): string | undefined {
  const missing = (c.profiles ?? []).filter((p) => !target.discovery.profiles.includes(p))
  if (missing.length > 0) return `profile ${missing.join(', ')} not advertised by the device`
  if (c.needsPin === true && options.pins.kind === 'none') return NO_PIN_REASON
  const wait = c.waitSeconds?.(target) ?? 0
  if (wait > SLOW_SECONDS && !options.slow) return `waits ${wait} s: pass --slow`
  return undefined
}

function caseTimeoutMs(c: CaseDefinition, target: Target, options: RunOptions): number {
  const waitMs = (c.waitSeconds?.(target) ?? 0) * 1000
  return Math.max(60_000, 10 * options.timeoutMs) + 2 * waitMs
}

function verdictOf(error: unknown): Verdict {
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

async function runCase(
  c: CaseDefinition,
  target: Target,
  options: RunOptions,
): Promise<CaseResult> {
  const started = Date.now()
  const log = new ExchangeLog()
  const cleanups: (() => void | Promise<void>)[] = []
  const replayed = options.replay?.id === c.id ? options.replay.point : undefined
  let point: ReplayPoint = replayed ?? { seed: options.seed }
  const record = (exchange: Exchange): void => log.add(exchange)
  const ctx: CaseContext = {
    target,
    pins: pinSource(options.pins, { target, timeoutMs: options.timeoutMs, record }),
    seed: point.seed,
    runs: options.runs,
    ...(replayed === undefined ? {} : { replay: replayed }),
    timeoutMs: options.timeoutMs,
    slow: options.slow,
    record,
    setReplay: (p) => void (point = p),
    defer: (cleanup) => void cleanups.push(cleanup),
  }
  const reason = skipReason(c, target, options)
  const verdict =
    reason !== undefined
      ? skip(reason)
      : await runBounded(c, ctx, caseTimeoutMs(c, target, options))
  for (const cleanup of cleanups.reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch(() => undefined)
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
        ? { reason: verdict.reason }
        : {}
  return { ...base, status: verdict.status, ...details, exchanges, replay, durationMs }
}

/** Runs the harness; resolves to the report, or to why the run could not start (exit 2). */
export async function run(options: RunOptions): Promise<RunOutcome> {
  const selected = selectCases(options.cases ?? loadCases(), options.selection)
  if (selected.length === 0) {
    const what = options.replay === undefined ? 'the selection' : `--replay ${options.replay.id}`
    return { kind: 'unusable', message: `no case matches ${what}`, exitCode: EXIT.unusable }
  }
  const loaded = await loadTarget(options.url, options.timeoutMs)
  if (!loaded.ok) return { kind: 'unusable', message: loaded.message, exitCode: EXIT.unusable }
  const perMinute = loaded.target.discovery.limits['rate_ip_per_minute']
  const target = perMinute === undefined
    ? loaded.target
    : { ...loaded.target, pacer: new RequestPacer(perMinute) }
  if (options.pins.kind === 'test-control' && !target.discovery.profiles.includes('test-control')) {
    const message =
      '--test-control: the device does not advertise the test-control profile (spec §12)'
    return { kind: 'unusable', message, exitCode: EXIT.unusable }
  }
  const startedAt = new Date()
  const results: CaseResult[] = []
  for (const [i, c] of selected.entries()) {
    const result = await runCase(c, target, options)
    results.push(result)
    const { status, durationMs } = result
    options.progress?.(`[${i + 1}/${selected.length}] ${c.id} ${status} (${durationMs} ms)`)
  }
  const summary = summarize(results)
  const exitCode = exitCodeOf(summary)
  const report: RunReport = {
    tool: TOOL,
    mode: 'server',
    target: { url: target.url, deviceId: target.discovery.device_id },
    seed: options.seed,
    runs: options.runs,
    level: options.selection.level,
    slow: options.slow,
    pinSource: options.pins.kind,
    startedAt,
    finishedAt: new Date(),
    summary,
    exitCode,
    results,
  }
  return { kind: 'done', report, exitCode }
}
