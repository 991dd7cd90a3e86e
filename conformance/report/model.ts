/**
 * The result model of one harness run, rendered by every report (terminal, JSON, JUnit): the
 * target, the run's parameters, each case's CaseResult, the counts and the exit code (spec §14.2).
 * A MUST case that fails counts as failed; a SHOULD or MAY case that fails counts as a warning.
 */
import type { CaseResult } from '../model.ts'
import type { LevelOption } from '../selection.ts'

export interface Summary {
  readonly total: number
  readonly passed: number
  readonly failed: number
  readonly skipped: number
  readonly warnings: number
  /** MUST cases that ran (passed or failed), of `mustTotal`. */
  readonly mustRan: number
  /** MUST cases the harness has for this mode, selected or not. */
  readonly mustTotal: number
  /** MUST cases skipped because the run lacked a PIN source or capability (cause 'setup'). */
  readonly mustUnchecked: number
  /** Security findings of a profile run (`--profile`); absent when there are none. */
  readonly findings?: number
}

export interface RunReport {
  readonly tool: { readonly name: string; readonly version: string }
  /**
   * 'client': the harness played the device and `target.url` is the adapter command; 'relay':
   * the harness played devices and clients against the relay at `target.url`.
   */
  readonly mode: 'server' | 'client' | 'relay'
  /** deviceId is absent when discovery failed. */
  readonly target: { readonly url: string; readonly deviceId?: string }
  readonly seed: number
  readonly runs: number
  readonly level: LevelOption
  readonly slow: boolean
  readonly pinSource: 'command' | 'test-control' | 'none' | 'auto' | 'local-rpc' | 'harness'
  /** The profile judged, when not Pairwire 1 (`--profile`), and its section headings. */
  readonly profile?: string
  readonly sectionTitles?: Readonly<Record<string, string>>
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly summary: Summary
  readonly exitCode: number
  readonly results: readonly CaseResult[]
  /** Set when the run stopped with exit 2: what was wrong (spec §14.2). */
  readonly error?: string
  /** The device clock minus the harness clock, in seconds, when a case measured it (spec §2.7). */
  readonly clockOffsetSeconds?: number
}

/** Exit codes of spec §14.2. */
export const EXIT = { passed: 0, mustFailed: 1, unusable: 2, mustUnchecked: 3 } as const

export function isWarning(result: CaseResult): boolean {
  return result.status === 'fail' && result.level !== 'MUST'
}

/** `mustTotal` defaults to the MUST cases among `results` (tests); the runner passes its count. */
export function summarize(results: readonly CaseResult[], mustTotal?: number): Summary {
  const count = (keep: (r: CaseResult) => boolean): number => results.filter(keep).length
  const must = (r: CaseResult): boolean => r.level === 'MUST'
  return {
    total: results.length,
    passed: count((r) => r.status === 'pass'),
    failed: count((r) => r.status === 'fail' && must(r)),
    skipped: count((r) => r.status === 'skip'),
    warnings: count(isWarning),
    mustRan: count((r) => r.status !== 'skip' && must(r)),
    mustTotal: mustTotal ?? count(must),
    mustUnchecked: count((r) => r.status === 'skip' && r.cause === 'setup' && must(r)),
    ...(count((r) => r.status === 'finding') > 0 ? { findings: count((r) => r.status === 'finding') } : {}),
  }
}

/**
 * 1: a MUST case failed; 2: nothing ran; 3: no MUST failed but MUST cases went unchecked for a
 * missing PIN source or capability (unless allowSkips, --allow-skips); 0 otherwise.
 */
export function exitCodeOf(summary: Summary, allowSkips = false): number {
  if (summary.total - summary.skipped === 0) return EXIT.unusable
  if (summary.failed > 0) return EXIT.mustFailed
  return summary.mustUnchecked > 0 && !allowSkips ? EXIT.mustUnchecked : EXIT.passed
}

/**
 * The last line of the terminal report:
 * `N passed, N failed, N skipped[, N warnings]; N of M MUST cases ran`.
 */
export function summaryLine(summary: Summary): string {
  const line = `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`
  const warned = summary.warnings > 0 ? `${line}, ${summary.warnings} warnings` : line
  const found = summary.findings === undefined ? warned : `${warned}, ${summary.findings} findings`
  return `${found}; ${summary.mustRan} of ${summary.mustTotal} MUST cases ran`
}

/** A profile run's verdict line: `conforms to NAME; N security findings`. */
export function profileLine(profile: string, summary: Summary): string {
  const findings = `${summary.findings ?? 0} security findings`
  if (summary.total - summary.skipped === 0) return `nothing ran against ${profile}; ${findings}`
  const verdict = summary.failed === 0 ? `conforms to ${profile}` : `does not conform to ${profile} (${summary.failed} failed)`
  return `${verdict}; ${findings}`
}
