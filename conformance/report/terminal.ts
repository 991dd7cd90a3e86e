/**
 * The terminal report (spec §14.2): results grouped by top-level spec section in section order,
 * each failure with its requirement, expected against actual, the exchanges and the replay
 * token; SHOULD and MAY failures shown as warnings; the last line is exactly
 * `N passed, N failed, N skipped` followed by `, N warnings` when there are any.
 */
import type { CaseResult } from '../model.ts'
import { compareSections, inline } from './format.ts'
import { isWarning, profileLine, summaryLine, type RunReport } from './model.ts'

/** Headings of the top-level sections of spec/ (spec/README.md, Contents). */
const SECTION_TITLES: Readonly<Record<string, string>> = {
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

function failureDetails(result: CaseResult, url: string, pins: RunReport['pinSource']): string[] {
  const lines = [
    `requirement: ${result.requirement} (${result.level})`,
    `${result.message ?? 'failed'}`,
    `expected: ${inline(result.expected)}`,
    `actual:   ${inline(result.actual)}`,
  ]
  if (result.exchanges.length > 0) {
    lines.push('exchanges:')
    for (const e of result.exchanges) {
      const sent = e.sent === undefined ? '' : ` sent ${inline(e.sent)}`
      const actual = e.actual === undefined ? '' : ` -> ${inline(e.actual)}`
      lines.push(`  ${e.step}${sent}${actual}`)
    }
  }
  lines.push(`replay: ${replayCommand(url, pins)} --replay ${result.replay}`)
  return lines.map((line) => `        ${line}`)
}

/** The command line that reruns one case: same device and PIN source, the case's token. */
function replayCommand(url: string, pins: RunReport['pinSource']): string {
  const pinOption = {
    command: ' --pin-command <the same command>',
    'test-control': ' --test-control',
    none: '',
    'local-rpc': '',
  }[pins]
  return `pairwire-conformance server --url ${url}${pinOption}`
}

function caseLines(result: CaseResult, url: string, pins: RunReport['pinSource']): string[] {
  const head = `  ${label(result)}  ${result.id}  ${result.title}`
  if (result.status === 'skip') return [`${head}: ${result.reason ?? ''}`]
  if (result.status === 'pass') return [head]
  return [head, ...failureDetails(result, url, pins)]
}

export function renderTerminal(report: RunReport): string {
  const top = (r: CaseResult): string => r.section.split('.')[0]!
  const sections = [...new Set(report.results.map(top))].sort(compareSections)
  const lines = [
    `${report.tool.name} ${report.tool.version}: server ${report.target.url} ` +
      `(${report.target.deviceId}), seed ${report.seed}, pins from ${report.pinSource}`,
  ]
  for (const section of sections) {
    const titles = report.sectionTitles ?? SECTION_TITLES
    lines.push('', `§${section} ${titles[section] ?? ''}`.trimEnd())
    const results = report.results
      .filter((r) => top(r) === section)
      .sort((a, b) => compareSections(a.section, b.section))
    for (const result of results) {
      lines.push(...caseLines(result, report.target.url, report.pinSource))
    }
  }
  lines.push('', summaryLine(report.summary))
  if (report.profile !== undefined) lines.push(profileLine(report.profile, report.summary))
  return lines.join('\n') + '\n'
}
