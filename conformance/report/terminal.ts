/**
 * The terminal report (spec §14.2): results grouped by top-level spec section in section order,
 * each failure with its requirement, expected against actual, the exchanges and the replay
 * token; SHOULD and MAY failures shown as warnings; the last line is exactly
 * `N passed, N failed, N skipped` followed by `, N warnings` when there are any.
 */
import type { CaseResult } from '../model.ts'
import { compareSections, inline, replayCommand } from './format.ts'
import { traceLines } from './trace.ts'
import { isWarning, profileLine, summaryLine, type RunReport } from './model.ts'

/** Headings of the top-level sections of spec/ (spec/README.md, Contents). */
export const SECTION_TITLES: Readonly<Record<string, string>> = {
  '2': 'Conventions',
  '3': 'Keys and identities',
  '4': 'Discovery',
  '5': 'Pairing',
  '6': 'Tickets',
  '7': 'Sessions',
  '8': 'Signed HTTP',
  '9': 'Client registry',
  '10': 'Limits and abuse',
  '11': 'Registry',
  '12': 'Test control',
  '13': 'Security',
}

function label(result: CaseResult): string {
  if (result.status === 'pass') return 'pass'
  if (result.status === 'skip') return 'skip'
  if (result.status === 'finding') return 'FIND'
  return isWarning(result) ? 'WARN' : 'FAIL'
}

function failureDetails(
  result: CaseResult,
  url: string,
  pins: RunReport['pinSource'],
  verbose: boolean,
  profile?: string,
): string[] {
  const lines = [
    `requirement: ${result.requirement} (${result.level})`,
    `${result.message ?? 'failed'}`,
    `expected: ${inline(result.expected)}`,
    `actual:   ${inline(result.actual)}`,
  ]
  if (result.exchanges.length > 0) {
    lines.push('exchanges:')
    lines.push(...traceLines(result, '  ').filter((line) => verbose || !line.startsWith('    | ')))
  }
  lines.push(`replay: ${replayCommand(url, pins, result.replay, profile)}`)
  return lines.map((line) => `        ${line}`)
}

function caseLines(
  result: CaseResult,
  url: string,
  pins: RunReport['pinSource'],
  verbose: boolean,
  profile?: string,
): string[] {
  const head = `  ${label(result)}  ${result.id}  ${result.title}`
  if (result.status === 'skip') return [`${head}: ${result.reason ?? ''}`]
  if (result.status === 'pass') return [head]
  return [head, ...failureDetails(result, url, pins, verbose, profile)]
}

/** The report header's clock line (spec §2.7): how far the device's clock is from ours. */
export function clockLine(offsetSeconds: number | undefined): string | undefined {
  if (offsetSeconds === undefined) return undefined
  const sign = offsetSeconds >= 0 ? '+' : ''
  return `device clock ${sign}${offsetSeconds} s from the harness clock (from its Date header)`
}

/** `verbose` (-v) adds each failed exchange's wire trace. */
export function renderTerminal(report: RunReport, verbose = false): string {
  const top = (r: CaseResult): string => r.section.split('.')[0]!
  const sections = [...new Set(report.results.map(top))].sort(compareSections)
  const lines = [
    report.mode === 'client'
      ? `${report.tool.name} ${report.tool.version}: client --adapter ${report.target.url}, ` +
        `seed ${report.seed}, the harness plays the device`
      : `${report.tool.name} ${report.tool.version}: ${report.mode} ${report.target.url} ` +
        `(${report.target.deviceId ?? 'no discovery'}), seed ${report.seed}, ` +
        `pins from ${report.pinSource}`,
  ]
  const clock = clockLine(report.clockOffsetSeconds)
  if (clock !== undefined) lines.push(clock)
  for (const section of sections) {
    const titles = report.sectionTitles ?? SECTION_TITLES
    lines.push('', `§${section} ${titles[section] ?? ''}`.trimEnd())
    const results = report.results
      .filter((r) => top(r) === section)
      .sort((a, b) => compareSections(a.section, b.section))
    for (const result of results) {
      lines.push(...caseLines(result, report.target.url, report.pinSource, verbose, report.profile))
    }
  }
  if (report.error !== undefined) lines.push('', `stopped: ${report.error}`)
  lines.push('', summaryLine(report.summary))
  if (report.profile !== undefined) lines.push(profileLine(report.profile, report.summary))
  return lines.join('\n') + '\n'
}
