/**
 * The HTML report (`--report html:FILE`, spec §14.2): one self-contained file (inline style, no
 * script, no external resource) with the run's facts, a summary per top-level spec section, and
 * every case with its level, verdict, requirement, expected against actual and, for a failure,
 * its exchanges with their wire trace and the replay command.
 */
import type { CaseResult } from '../model.ts'
import { compareSections, inline, replayCommand } from './format.ts'
import { isWarning, profileLine, summaryLine, type RunReport } from './model.ts'
import { SECTION_TITLES, clockLine } from './terminal.ts'
import { traceLines } from './trace.ts'

/** Escapes text for HTML element content and double-quoted attribute values. */
export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
.fail{color:#b00020;font-weight:bold}.warn{color:#a05a00;font-weight:bold}.pass{color:#17702a}
.skip{color:#666}.finding{color:#6a1b9a;font-weight:bold}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap}
section.case{border-left:4px solid #ccc;padding-left:.8em;margin:.6em 0}
section.case.fail{border-color:#b00020}section.case.warn{border-color:#a05a00}`

type Verdict = 'fail' | 'warn' | 'pass' | 'skip' | 'finding'

function verdictOf(r: CaseResult): Verdict {
  if (r.status === 'fail') return isWarning(r) ? 'warn' : 'fail'
  return r.status
}

const top = (r: CaseResult): string => r.section.split('.')[0]!

function sectionRows(results: readonly CaseResult[], titles: Readonly<Record<string, string>>): string {
  const sections = [...new Set(results.map(top))].sort(compareSections)
  const rows = sections.map((s) => {
    const of = results.filter((r) => top(r) === s)
    const n = (v: Verdict): number => of.filter((r) => verdictOf(r) === v).length
    const title = htmlEscape(`§${s} ${titles[s] ?? ''}`.trim())
    return `<tr><td><a href="#s${s}">${title}</a></td><td>${n('pass')}</td><td>${n('fail')}</td>` +
      `<td>${n('warn')}</td><td>${n('skip')}</td><td>${n('finding')}</td></tr>`
  })
  const head = '<tr><th>section</th><th>pass</th><th>fail</th><th>warn</th><th>skip</th><th>finding</th></tr>'
  return `<table class="sections">${head}${rows.join('')}</table>`
}

function caseHtml(r: CaseResult, report: RunReport): string {
  const verdict = verdictOf(r)
  const lines = [
    `<section class="case ${verdict}" id="case-${htmlEscape(r.id)}" data-status="${verdict}">`,
    `<h3><span class="${verdict}">${verdict.toUpperCase()}</span> ${htmlEscape(r.id)} ` +
      `<small>${r.level}</small></h3>`,
    `<p>${htmlEscape(r.title)} — <code>${htmlEscape(r.requirement)}</code> (${r.durationMs} ms)</p>`,
  ]
  if (r.status === 'skip') lines.push(`<p class="skip">skipped: ${htmlEscape(r.reason ?? '')}</p>`)
  // A profile's security finding shows what was seen, like a failure, without failing the run.
  if (r.status === 'fail' || r.status === 'finding') {
    lines.push(
      `<p class="message">${htmlEscape(r.message ?? r.status)}</p>`,
      '<table><tr><th>expected</th><th>actual</th></tr>' +
        `<tr><td><pre class="expected">${htmlEscape(inline(r.expected))}</pre></td>` +
        `<td><pre class="actual">${htmlEscape(inline(r.actual))}</pre></td></tr></table>`,
      `<details open><summary>trace (${r.exchanges.length} exchanges)</summary>` +
        `<pre class="trace">${htmlEscape(traceLines(r, '').join('\n'))}</pre></details>`,
      `<p>replay: <code>${htmlEscape(replayCommand(report.target.url, report.pinSource, r.replay, report.profile))}</code></p>`,
    )
  }
  lines.push('</section>')
  return lines.join('\n')
}

export function renderHtml(report: RunReport): string {
  const results = [...report.results].sort((a, b) => compareSections(a.section, b.section))
  const sections = [...new Set(results.map(top))].sort(compareSections)
  const titles = report.sectionTitles ?? SECTION_TITLES
  const facts = [
    ...(report.profile === undefined ? [] : [['profile', profileLine(report.profile, report.summary)]]),
    ['target', `${report.target.url} (${report.target.deviceId ?? 'no discovery'})`],
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ['seed', String(report.seed)],
    ['pins from', report.pinSource],
    ['started', report.startedAt.toISOString()],
    ['exit code', String(report.exitCode)],
    ...(report.error === undefined ? [] : [['stopped', report.error]]),
    ...(report.clockOffsetSeconds === undefined ? [] : [['clock', clockLine(report.clockOffsetSeconds)!]]),
  ]
  const body = [
    `<h1>Pairwire conformance: ${htmlEscape(report.target.url)}</h1>`,
    `<p class="summary" id="summary">${htmlEscape(summaryLine(report.summary))}</p>`,
    '<table class="facts">' +
      facts.map(([k, v]) => `<tr><th>${htmlEscape(k!)}</th><td>${htmlEscape(v!)}</td></tr>`).join('') +
      '</table>',
    sectionRows(results, titles),
    ...sections.flatMap((s) => [
      `<h2 id="s${s}">${htmlEscape(`§${s} ${titles[s] ?? ''}`.trim())}</h2>`,
      ...results.filter((r) => top(r) === s).map((r) => caseHtml(r, report)),
    ]),
  ]
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Pairwire conformance ${htmlEscape(report.target.url)}: exit ${report.exitCode}</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n')
}
