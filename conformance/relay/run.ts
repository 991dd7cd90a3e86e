/**
 * The runner of `pairwire-conformance relay --url URL` (spec §15, §14.2): probes the relay by
 * holding a slot to read relay-held (its grace, max_frame, max_streams_per_device), then runs the
 * selected relay cases one at a time with the shared verdicts, replay tokens, selection and report
 * model of server mode. Cases that need a limit the relay does not advertise are skipped unless it
 * was given on the command line; cases that wait over 15 s need --slow.
 */
import type { CaseResult, Exchange, ReplayPoint, Verdict } from '../model.ts'
import { registryProblems, RegistryError, specRequirements } from '../registry.ts'
import { formatReplay, type ReplayToken } from '../replay.ts'
import { EXIT, exitCodeOf, summarize, type RunReport } from '../report/model.ts'
import { SLOW_SECONDS, TOOL, type RunOutcome } from '../runner.ts'
import { globToRegExp, levelSelected, type Selection } from '../selection.ts'
import { CaseFailure, skip, verdictWithin } from '../verdicts.ts'
import { relayCases } from './cases/index.ts'
import type { RelayCase, RelayContext, RelayLimitsKnown } from './context.ts'
import { DeviceLink, freshDevice } from './wire.ts'

const CASE_LIMIT_MS = 120_000

export const RELAY_SECTION_TITLES: Readonly<Record<string, string>> = {
  '15.1': 'Relay endpoints',
  '15.2': 'The pre-upgrade gate',
  '15.3': 'Holding a slot',
  '15.4': 'Streams and the device link',
  '15.6': 'Grace window and the codes clients see',
  '15.7': 'Relay limits',
  '15.8': 'No id-enumeration oracle',
  '15.9': 'What a relay returns',
  '15.10': 'More than one relay machine',
}

export interface RelayRunOptions {
  readonly url: string
  /** Limits the relay does not tell in relay-held, from the command line. */
  readonly given: Omit<RelayLimitsKnown, 'grace' | 'max_frame' | 'max_streams_per_device'>
  readonly selection: Selection
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayToken
  readonly timeoutMs: number
  readonly slow: boolean
  readonly allowSkips?: boolean
  readonly cases?: readonly RelayCase[]
  readonly progress?: (line: string) => void
}

/** The relay cases, checked against spec/ as server mode's cases are (conformance/registry.ts). */
export function loadRelayCases(cases: readonly RelayCase[] = relayCases): readonly RelayCase[] {
  const problems = registryProblems(cases as never, specRequirements())
  if (problems.length > 0) throw new RegistryError(problems)
  return cases
}

export function selectRelayCases(cases: readonly RelayCase[], s: Selection): RelayCase[] {
  if (s.replayId !== undefined) return cases.filter((c) => c.id === s.replayId)
  const any = (id: string, globs: readonly string[]): boolean => globs.some((g) => globToRegExp(g).test(id))
  return cases.filter((c) => (s.only.length === 0 || any(c.id, s.only)) && !any(c.id, s.skip) && levelSelected(c.level, s.level))
}

function skipReason(c: RelayCase, limits: RelayLimitsKnown, slow: boolean): Verdict | undefined {
  const missing = (c.needs ?? []).filter((name) => limits[name] === undefined)
  if (missing.length > 0) {
    const flags = missing.map((m) => `--${m.replaceAll('_', '-')} N`).join(', ')
    return skip(`needs the relay's ${missing.join(', ')}: pass ${flags}`, 'setup')
  }
  const wait = c.waitSeconds?.(limits) ?? 0
  if (wait > SLOW_SECONDS && !slow) return skip(`waits ${wait} s: pass --slow`, 'slow')
  return undefined
}

async function runOne(c: RelayCase, options: RelayRunOptions, limits: RelayLimitsKnown): Promise<CaseResult> {
  const started = Date.now()
  const exchanges: Exchange[] = []
  const cleanups: (() => void | Promise<void>)[] = []
  const replayed = options.replay?.id === c.id ? options.replay.point : undefined
  let point: ReplayPoint = replayed ?? { seed: options.seed }
  const ctx: RelayContext = {
    url: options.url,
    limits,
    timeoutMs: options.timeoutMs,
    seed: point.seed,
    runs: options.runs,
    slow: options.slow,
    ...(replayed === undefined ? {} : { replay: replayed }),
    record: (e) => void (exchanges.length < 60 && exchanges.push(e)),
    setReplay: (p) => void (point = p),
    defer: (f) => void cleanups.push(f),
  }
  let verdict = skipReason(c, limits, options.slow)
  if (verdict === undefined) {
    verdict = await verdictWithin(() => c.run(ctx), CASE_LIMIT_MS)
  }
  for (const f of cleanups.reverse()) await Promise.resolve().then(f).catch(() => undefined)
  const details =
    verdict.status === 'fail'
      ? { message: verdict.message, expected: verdict.expected, actual: verdict.actual }
      : verdict.status === 'skip'
        ? { reason: verdict.reason, ...(verdict.cause === undefined ? {} : { cause: verdict.cause }) }
        : {}
  return {
    id: c.id,
    section: c.id.slice(0, c.id.indexOf('-')),
    level: c.level,
    requirement: c.requirement,
    title: c.title,
    status: verdict.status,
    ...details,
    exchanges,
    replay: formatReplay(c.id, point),
    durationMs: Date.now() - started,
  }
}

/** Holds a slot once: the relay is usable and tells its limits (spec §15.3 step 5). */
async function probe(options: RelayRunOptions): Promise<RelayLimitsKnown | string> {
  try {
    const link = await DeviceLink.hold(options.url, freshDevice(), options.timeoutMs)
    link.socket.terminate()
    const { grace, max_frame, max_streams_per_device } = link.held!
    return { ...options.given, grace, max_frame, max_streams_per_device }
  } catch (e) {
    return e instanceof CaseFailure ? `the relay did not hold a slot: ${e.message}` : `the relay could not be reached: ${String(e)}`
  }
}

export async function runRelay(options: RelayRunOptions): Promise<RunOutcome> {
  const all = options.cases ?? loadRelayCases()
  const mustTotal = all.filter((c) => c.level === 'MUST').length
  const startedAt = new Date()
  const reportOf = (results: CaseResult[], exitCode: number, error?: string): RunReport => ({
    tool: TOOL,
    mode: 'relay',
    sectionTitles: RELAY_SECTION_TITLES,
    target: { url: options.url, deviceId: 'a relay: the harness plays its devices and clients' },
    seed: options.seed,
    runs: options.runs,
    level: options.selection.level,
    slow: options.slow,
    pinSource: 'none',
    startedAt,
    finishedAt: new Date(),
    summary: summarize(results, mustTotal),
    exitCode,
    results,
    ...(error === undefined ? {} : { error }),
  })
  const unusable = (message: string): RunOutcome => ({ kind: 'unusable', message, exitCode: EXIT.unusable, report: reportOf([], EXIT.unusable, message) })
  const selected = selectRelayCases(all, options.selection)
  if (selected.length === 0) return unusable('no relay case matches the selection')
  const limits = await probe(options)
  if (typeof limits === 'string') return unusable(limits)
  options.progress?.(`relay limits: ${JSON.stringify(limits)}`)
  const results: CaseResult[] = []
  for (const [i, c] of selected.entries()) {
    const result = await runOne(c, options, limits)
    results.push(result)
    options.progress?.(`[${i + 1}/${selected.length}] ${c.id} ${result.status} (${result.durationMs} ms)`)
  }
  const exitCode = exitCodeOf(summarize(results, mustTotal), options.allowSkips === true)
  return { kind: 'done', report: reportOf(results, exitCode), exitCode }
}
