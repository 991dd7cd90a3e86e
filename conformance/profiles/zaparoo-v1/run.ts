/**
 * The runner of `pairwire-conformance server --profile zaparoo-v1` (spec/profiles/zaparoo-v1.md):
 * selects the profile's cases, runs them one at a time against one device, paces the pairing
 * routes when remote, and builds the shared RunReport, in which a §7 case's `finding` verdict is
 * counted apart from failures and never changes the exit code.
 */
import type { CaseResult, Exchange, ReplayPoint } from '../../model.ts'
import { formatReplay, type ReplayToken } from '../../replay.ts'
import { EXIT, exitCodeOf, summarize, type RunReport } from '../../report/model.ts'
import { TOOL, type RunOutcome } from '../../runner.ts'
import { globToRegExp, levelSelected, type Selection } from '../../selection.ts'
import { CaseFailure, skip, verdictWithin } from '../../verdicts.ts'
import { cases as ALL } from './cases/index.ts'
import type { ProfileCase, ProfileContext, ProfileVerdict } from './context.ts'
import { pinOpener, type ProfilePins } from './pins.ts'

export const PROFILE = 'zaparoo-v1'
/** Facts §1.8: 1 request/s per IP on /api/pair/*; the app and a Python client wait ~1.1 s. */
export const PAIR_INTERVAL_MS = 1100
const CASE_LIMIT_MS = 120_000

export const SECTION_TITLES: Readonly<Record<string, string>> = {
  '2': 'Pairing endpoints',
  '3': 'PAKE messages and K',
  '4': 'Key schedule and confirmation',
  '5': 'Encrypted WebSocket',
  '7': 'Findings (Pairwire 1 rules zaparoo-v1 does not meet)',
}

export interface ProfileRunOptions {
  readonly url: string
  readonly remote: boolean
  readonly pins: ProfilePins
  readonly selection: Selection
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayToken
  readonly timeoutMs: number
  readonly slow: boolean
  readonly allowSkips?: boolean
  readonly cases?: readonly ProfileCase[]
  readonly progress?: (line: string) => void
}

export function selectProfileCases(cases: readonly ProfileCase[], s: Selection): ProfileCase[] {
  if (s.replayId !== undefined) return cases.filter((c) => c.id === s.replayId)
  const any = (id: string, globs: readonly string[]): boolean => globs.some((g) => globToRegExp(g).test(id))
  return cases.filter(
    (c) => (s.only.length === 0 || any(c.id, s.only)) && !any(c.id, s.skip) && levelSelected(c.level, s.level),
  )
}

function pacer(remote: boolean): (wait: boolean) => Promise<void> {
  let last = 0
  return async (wait) => {
    const due = last + PAIR_INTERVAL_MS - Date.now()
    if (remote && wait && due > 0) await new Promise((resolve) => setTimeout(resolve, due))
    last = Date.now()
  }
}

function skipReason(c: ProfileCase, options: ProfileRunOptions): string | undefined {
  if (c.only === 'remote' && !options.remote) return 'applies to a remote harness: pass --remote'
  if (c.only === 'local' && options.remote) return 'applies to a local (loopback) harness'
  if (c.needsPin === true && options.pins.kind === 'none') return 'needs a PIN: pass --pin-command CMD'
  return undefined
}

async function runOne(c: ProfileCase, options: ProfileRunOptions, pace: ProfileContext['pace']): Promise<CaseResult> {
  const started = Date.now()
  const exchanges: Exchange[] = []
  const cleanups: (() => void | Promise<void>)[] = []
  const replayed = options.replay?.id === c.id ? options.replay.point : undefined
  let point: ReplayPoint = replayed ?? { seed: options.seed }
  const ctx: ProfileContext = {
    url: options.url,
    remote: options.remote,
    timeoutMs: options.timeoutMs,
    seed: point.seed,
    runs: options.runs,
    slow: options.slow,
    ...(replayed === undefined ? {} : { replay: replayed }),
    openPin: pinOpener(options.pins, options.url, options.timeoutMs),
    pace,
    record: (e) => void (exchanges.length < 60 && exchanges.push(e)),
    setReplay: (p) => void (point = p),
    defer: (f) => void cleanups.push(f),
  }
  const reason = skipReason(c, options)
  let verdict: ProfileVerdict
  if (reason !== undefined) verdict = skip(reason)
  else {
    verdict = await verdictWithin(() => c.run(ctx), CASE_LIMIT_MS)
  }
  for (const f of cleanups.reverse()) await Promise.resolve().then(f).catch(() => undefined)
  const details =
    verdict.status === 'fail' || verdict.status === 'finding'
      ? { message: verdict.message, expected: verdict.expected, actual: verdict.actual }
      : verdict.status === 'skip'
        ? { reason: verdict.reason }
        : {}
  const section = c.id.slice(0, c.id.indexOf('-'))
  return {
    id: c.id,
    section,
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

export async function runProfile(options: ProfileRunOptions): Promise<RunOutcome> {
  const all = options.cases ?? ALL
  const mustTotal = all.filter((c) => c.level === 'MUST').length
  const startedAt = new Date()
  const reportOf = (results: CaseResult[], exitCode: number, error?: string): RunReport => ({
    tool: TOOL,
    mode: 'server',
    profile: PROFILE,
    sectionTitles: SECTION_TITLES,
    target: { url: options.url, deviceId: `${PROFILE} device${options.remote ? ' (remote)' : ''}` },
    seed: options.seed,
    runs: options.runs,
    level: options.selection.level,
    slow: options.slow,
    pinSource: options.pins.kind,
    startedAt,
    finishedAt: new Date(),
    summary: summarize(results, mustTotal),
    exitCode,
    results,
    ...(error === undefined ? {} : { error }),
  })
  const selected = selectProfileCases(all, options.selection)
  if (selected.length === 0) {
    // Every exit writes its report files (spec §14.2), this one too.
    const message = 'no zaparoo-v1 case matches the selection'
    return { kind: 'unusable', message, exitCode: EXIT.unusable, report: reportOf([], EXIT.unusable, message) }
  }
  const pace = pacer(options.remote)
  const results: CaseResult[] = []
  for (const [i, c] of selected.entries()) {
    const result = await runOne(c, options, pace)
    results.push(result)
    options.progress?.(`[${i + 1}/${selected.length}] ${c.id} ${result.status} (${result.durationMs} ms)`)
  }
  const exitCode = exitCodeOf(summarize(results, mustTotal), options.allowSkips === true)
  return { kind: 'done', report: reportOf(results, exitCode), exitCode }
}
