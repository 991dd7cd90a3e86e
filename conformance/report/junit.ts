/**
 * The JUnit XML report (`--report junit:FILE`): one <testsuite> per spec section, one <testcase>
 * per case with classname = the case's spec section and name = its id, a <failure> for a failed
 * case (type = its level, so a SHOULD warning is told apart) and <skipped> with the reason.
 */
import type { CaseResult } from '../model.ts'
import { compareSections, inline, replayCommand } from './format.ts'
import type { RunReport } from './model.ts'

// XML 1.0 §2.2: characters a document may not contain at all, even escaped.
const NOT_XML_CHAR = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu

/** Escapes text for XML content and attribute values (double-quoted). */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

function failureBody(r: CaseResult, report: RunReport): string {
  const lines = [
    `requirement: ${r.requirement} (${r.level})`,
    `expected: ${inline(r.expected)}`,
    `actual: ${inline(r.actual)}`,
    ...r.exchanges.map((e) =>
      e.actual === undefined ? e.step : `${e.step} -> ${inline(e.actual)}`,
    ),
    `replay: ${replayCommand(report.target.url, report.pinSource, r.replay, report.profile)}`,
  ]
  return lines.join('\n')
}

function testcase(r: CaseResult, report: RunReport): string {
  const attributes = `classname="${xmlEscape(r.section)}" name="${xmlEscape(r.id)}"`
  const open = `    <testcase ${attributes} time="${seconds(r.durationMs)}">`
  if (r.status === 'pass') return open.replace(/>$/, '/>')
  // A profile's security finding is reported, not failed: it does not break a CI build.
  if (r.status === 'finding') {
    return `${open}\n      <system-out>${xmlEscape(`finding: ${r.message ?? ''}\n${failureBody(r, report)}`)}</system-out>\n    </testcase>`
  }
  const message = xmlEscape(r.status === 'skip' ? (r.reason ?? '') : (r.message ?? ''))
  const inner =
    r.status === 'skip'
      ? `      <skipped message="${message}"/>`
      : `      <failure type="${r.level}" message="${message}">` +
        `${xmlEscape(failureBody(r, report))}</failure>`
  return `${open}\n${inner}\n    </testcase>`
}

function testsuite(section: string, results: readonly CaseResult[], report: RunReport): string {
  const timestamp = report.startedAt.toISOString().replace(/\.\d{3}Z$/, '')
  const failures = results.filter((r) => r.status === 'fail').length
  const skipped = results.filter((r) => r.status === 'skip').length
  const time = seconds(results.reduce((sum, r) => sum + r.durationMs, 0))
  return [
    `  <testsuite name="${xmlEscape(section)}" tests="${results.length}" failures="${failures}" ` +
      `errors="0" skipped="${skipped}" time="${time}" timestamp="${timestamp}">`,
    ...results.map((r) => testcase(r, report)),
    '  </testsuite>',
  ].join('\n')
}

/** Exit 2 as an <error>, so that a CI report viewer shows why the run stopped (spec §14.2). */
function stoppedSuite(report: RunReport): string {
  const message = xmlEscape(report.error ?? '')
  return [
    '  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0" time="0">',
    '    <testcase classname="run" name="setup" time="0">',
    `      <error type="exit ${report.exitCode}" message="${message}">${message}</error>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n')
}

export function renderJunit(report: RunReport): string {
  const sections = [...new Set(report.results.map((r) => r.section))].sort(compareSections)
  const all = report.results
  const time = seconds(report.finishedAt.getTime() - report.startedAt.getTime())
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(`${report.tool.name} ${report.target.url}`)}" ` +
      `tests="${all.length + (report.error === undefined ? 0 : 1)}" ` +
      `failures="${all.filter((r) => r.status === 'fail').length}" ` +
      `errors="${report.error === undefined ? 0 : 1}" ` +
      `skipped="${all.filter((r) => r.status === 'skip').length}" time="${time}">`,
    ...sections.map((s) => testsuite(s, all.filter((r) => r.section === s), report)),
    ...(report.error === undefined ? [] : [stoppedSuite(report)]),
    '</testsuites>',
    '',
  ].join('\n')
}
