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
  /** Security findings of a profile run (`--profile`); absent when there are none. */
  readonly findings?: number
}

export interface RunReport {
  readonly tool: { readonly name: string; readonly version: string }
  readonly mode: 'server'
  readonly target: { readonly url: string; readonly deviceId: string }
  readonly seed: number
  readonly runs: number
  readonly level: LevelOption
  readonly slow: boolean
  readonly pinSource: 'command' | 'test-control' | 'none' | 'local-rpc'
  /** The profile judged, when not Pairwire 1 (`--profile`), and its section headings. */
  readonly profile?: string
  readonly sectionTitles?: Readonly<Record<string, string>>
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly summary: Summary
  readonly exitCode: number
  readonly results: readonly CaseResult[]
}

/** Exit codes of spec §14.2. */
export const EXIT = { passed: 0, mustFailed: 1, unusable: 2 } as const

export function isWarning(result: CaseResult): boolean {
  return result.status === 'fail' && result.level !== 'MUST'
}

export function summarize(results: readonly CaseResult[]): Summary {
  const count = (keep: (r: CaseResult) => boolean): number => results.filter(keep).length
  return {
    total: results.length,
    passed: count((r) => r.status === 'pass'),
    failed: count((r) => r.status === 'fail' && r.level === 'MUST'),
    skipped: count((r) => r.status === 'skip'),
    warnings: count(isWarning),
    ...(count((r) => r.status === 'finding') > 0 ? { findings: count((r) => r.status === 'finding') } : {}),
  }
}

/** 0: at least one case ran and no MUST case failed; 1: a MUST case failed; 2: nothing ran. */
export function exitCodeOf(summary: Summary): number {
  if (summary.total - summary.skipped === 0) return EXIT.unusable
  return summary.failed > 0 ? EXIT.mustFailed : EXIT.passed
}

/** The last line of the terminal report: `N passed, N failed, N skipped[, N warnings]`. */
export function summaryLine(summary: Summary): string {
  const line = `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`
  const warned = summary.warnings > 0 ? `${line}, ${summary.warnings} warnings` : line
  return summary.findings === undefined ? warned : `${warned}, ${summary.findings} findings`
}

/** A profile run's verdict line: `conforms to NAME; N security findings`. */
export function profileLine(profile: string, summary: Summary): string {
  const findings = `${summary.findings ?? 0} security findings`
  if (summary.total - summary.skipped === 0) return `nothing ran against ${profile}; ${findings}`
  const verdict = summary.failed === 0 ? `conforms to ${profile}` : `does not conform to ${profile} (${summary.failed} failed)`
  return `${verdict}; ${findings}`
}
