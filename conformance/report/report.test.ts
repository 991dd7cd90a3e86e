import { readFileSync } from 'node:fs'
import t from 'tap'
import { REPORT_SCHEMAS } from '../../schemas/src/report.ts'
import { compileValidators } from '../../schemas/compile.ts'
import type { CaseResult, Level } from '../model.ts'
import { reportJson } from './json.ts'
import { renderJunit, xmlEscape } from './junit.ts'
import { exitCodeOf, summarize, summaryLine, type RunReport } from './model.ts'
import { renderTerminal } from './terminal.ts'
import { htmlEscape, renderHtml } from './html.ts'
import { usageReport } from '../runner.ts'

const NASTY = 'a <b> & "c" \'d\'\n\u0001\ud800 e'

function result(
  id: string,
  status: CaseResult['status'],
  level: Level = 'MUST',
  extra: Partial<CaseResult> = {},
): CaseResult {
  return {
    id,
    section: id.slice(0, id.indexOf('-')),
    level,
    // Spelled in pieces: this example is no check of a real requirement (spec §14.3).
    requirement: ['pw', 'conv', '2.3', 'example'].join('-'),
    title: `title of ${id}`,
    status,
    exchanges: [],
    replay: `${id}@1`,
    durationMs: 3,
    ...extra,
  }
}

const RESULTS: CaseResult[] = [
  result('2.3-pass', 'pass'),
  result('2.10-fail', 'fail', 'MUST', {
    message: NASTY,
    expected: { status: 400 },
    actual: { big: 10n, bytes: new Uint8Array([1, 2]) },
    exchanges: [
      { step: 'POST /x', sent: { body: NASTY }, actual: { status: 500 }, trace: ['-> POST /x', NASTY] },
    ],
    replay: '2.10-fail@1:0:2',
  }),
  result('2.9-warn', 'fail', 'SHOULD', { message: 'should', expected: 1, actual: 2 }),
  result('10.3-skip', 'skip', 'MUST', { reason: `waits 120 s: pass --slow ${NASTY}` }),
  result('4.1-pass', 'pass', 'MUST', { exchanges: [{ step: 'GET /', trace: ['-> GET /'] }] }),
]

function report(results: CaseResult[]): RunReport {
  const summary = summarize(results)
  return {
    tool: { name: 'pairwire-conformance', version: '0.1.0' },
    mode: 'server',
    target: { url: 'http://127.0.0.1:1', deviceId: 'pwd_Vkdap1RjR0wChd9dvyvKtw' },
    seed: 1,
    runs: 50,
    level: 'should',
    slow: false,
    pinSource: 'test-control',
    startedAt: new Date(0),
    finishedAt: new Date(1500),
    summary,
    exitCode: exitCodeOf(summary),
    results,
  }
}

t.test('counts: MUST failures fail, SHOULD failures warn, exit codes of spec §14.2', async (t) => {
  const summary = summarize(RESULTS)
  t.same(summary, {
    total: 5, passed: 2, failed: 1, skipped: 1, warnings: 1,
    mustRan: 3, mustTotal: 4, mustUnchecked: 0,
  })
  t.equal(summaryLine(summary), '2 passed, 1 failed, 1 skipped, 1 warnings; 3 of 4 MUST cases ran')
  t.equal(
    summaryLine(summarize([result('2.3-a', 'pass')], 120)),
    '1 passed, 0 failed, 0 skipped; 1 of 120 MUST cases ran',
  )
  const unchecked = result('5.3-pin', 'skip', 'MUST', { reason: 'needs a PIN', cause: 'setup' })
  const withSetupSkip = summarize([result('2.3-a', 'pass'), unchecked])
  t.equal(withSetupSkip.mustUnchecked, 1)
  t.equal(exitCodeOf(withSetupSkip), 3, 'a MUST unchecked for want of a PIN source')
  t.equal(exitCodeOf(withSetupSkip, true), 0, '--allow-skips')
  t.equal(exitCodeOf(summarize([RESULTS[1]!, unchecked])), 1, 'a MUST failure outranks 3')
  t.equal(exitCodeOf(summarize([result('2.3-a', 'pass'), RESULTS[3]!])), 0, 'a slow skip: 0')
  t.equal(exitCodeOf(summary), 1)
  t.equal(exitCodeOf(summarize([result('2.3-a', 'pass'), RESULTS[2]!])), 0)
  t.equal(exitCodeOf(summarize([RESULTS[3]!])), 2, 'only skips: nothing ran')
  t.equal(exitCodeOf(summarize([])), 2, 'zero cases is never a pass')
})

t.test('terminal: sections in order, failures in detail, the exact last line', async (t) => {
  const text = renderTerminal(report(RESULTS))
  const lines = text.trimEnd().split('\n')
  t.equal(lines.at(-1), '2 passed, 1 failed, 1 skipped, 1 warnings; 3 of 4 MUST cases ran')
  const headings = lines.filter((l) => l.startsWith('§'))
  t.same(headings, ['§2 Conventions', '§4 Discovery', '§10 Limits and abuse'])
  t.ok(text.indexOf('2.9-warn') < text.indexOf('2.10-fail'), '2.9 before 2.10')
  t.match(text, /FAIL {2}2\.10-fail/)
  t.match(text, /WARN {2}2\.9-warn/)
  t.match(text, /expected: \{"status":400\}/)
  t.match(text, /actual: {3}\{"big":"10","bytes":"<2 bytes 0102>"\}/)
  t.match(text, /POST \/x sent .* -> \{"status":500\}/)
  t.match(text, /--url http:\/\/127\.0\.0\.1:1 --test-control --replay 2\.10-fail@1:0:2/)
  t.match(text, /skip {2}10\.3-skip .*waits 120 s: pass --slow/)
})

t.test('JSON: valid against schemas/conformance-report.schema.json', async (t) => {
  const validate = compileValidators(REPORT_SCHEMAS).get('conformance-report')!
  const doc = JSON.parse(JSON.stringify(reportJson(report(RESULTS)))) as Record<string, unknown>
  t.ok(validate(doc), validate.explain())
  t.match(doc, {
    target: { device_id: 'pwd_Vkdap1RjR0wChd9dvyvKtw' },
    seed: 1,
    started_at: '1970-01-01T00:00:00.000Z',
    duration_ms: 1500,
    exit_code: 1,
  })
  t.notOk(validate({ ...doc, extra: 1 }), 'unknown members are rejected')
  const file = new URL('../../schemas/conformance-report.schema.json', import.meta.url)
  const generated = JSON.parse(readFileSync(file, 'utf8')) as { $id: string }
  t.equal(generated.$id, 'urn:pairwire:schema:conformance-report', 'the schema is generated')
})

t.test('JUnit: well-formed, one testcase per case, classname = section', async (t) => {
  const xml = renderJunit(report(RESULTS))
  t.same(wellFormed(xml), [])
  const testcases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)]
  t.same(testcases.map((m) => [m[1], m[2]]).sort(), [
    ['10.3', '10.3-skip'],
    ['2.10', '2.10-fail'],
    ['2.3', '2.3-pass'],
    ['2.9', '2.9-warn'],
    ['4.1', '4.1-pass'],
  ])
  t.match(xml, /<testsuites [^>]*tests="5" failures="2" errors="0" skipped="1"/)
  const escaped = 'a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;&#10;\ufffd\ufffd e'
  t.ok(xml.includes(`<failure type="MUST" message="${escaped}">`), 'the message is escaped')
  t.match(xml, /<failure type="SHOULD"/)
  t.match(xml, /<skipped message="waits 120 s/)
  t.equal(xmlEscape('\u0000\u0008\ufffe'), '\ufffd\ufffd\ufffd', 'non-XML characters replaced')
})

// Attribute values with only the five predefined entities and character references.
const ENTITY = '&(?:amp|lt|gt|quot|apos|#\\d+);'
const ATTRIBUTES = `((?:\\s+[\\w-]+="[^"<&]*(?:${ENTITY}[^"<&]*)*")*)`
const TOKEN = new RegExp(`<(\\/?)([A-Za-z][\\w-]*)${ATTRIBUTES}\\s*(\\/?)>|([^<]+)|(<)`, 'g')
const BARE_AMPERSAND = new RegExp(`&(?!${ENTITY.slice(1)})`)

/** A small XML 1.0 well-formedness check: balanced tags, quoted attributes, escaped text. */
function wellFormed(xml: string): string[] {
  const problems: string[] = []
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
  if (!xml.startsWith(declaration)) problems.push('no XML declaration')
  const stack: string[] = []
  for (const match of xml.slice(declaration.length).matchAll(TOKEN)) {
    const [, closing, name, , selfClosing, text, stray] = match
    if (stray !== undefined) problems.push(`stray < at ${match.index}`)
    else if (text !== undefined) {
      if (BARE_AMPERSAND.test(text)) problems.push(`unescaped & in ${text.slice(0, 30)}`)
    } else if (closing === '/') {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}>`)
    } else if (selfClosing !== '/') stack.push(name!)
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(', ')}`)
  return problems
}

t.test('JSON: the wire trace is kept for failed cases only', async (t) => {
  const doc = reportJson(report(RESULTS)) as { results: { id: string; exchanges: unknown[] }[] }
  const byId = Object.fromEntries(doc.results.map((r) => [r.id, r.exchanges]))
  t.match(byId['2.10-fail'], [{ trace: ['-> POST /x', NASTY] }])
  t.same(byId['4.1-pass'], [{ step: 'GET /' }])
})

t.test('JUnit: the replay line is a whole command with --url', async (t) => {
  const xml = renderJunit(report(RESULTS))
  t.match(xml, /replay: pairwire-conformance server --url http:\/\/127\.0\.0\.1:1 --test-control --replay 2\.10-fail@1:0:2/)
})

t.test('HTML: self-contained, escaped, each failure with expected, actual and trace', async (t) => {
  const html = renderHtml(report(RESULTS))
  t.notMatch(html, /<script|<link|src=/, 'no script and no external resource')
  t.notOk(html.includes(NASTY), 'the nasty text never appears unescaped')
  t.ok(html.includes(htmlEscape(NASTY)), 'it appears escaped')
  t.match(html, /<section class="case fail" id="case-2\.10-fail" data-status="fail">/)
  t.match(html, /<section class="case warn" id="case-2\.9-warn"/)
  t.match(html, /<pre class="trace">POST \/x sent/)
  t.match(html, /<td><a href="#s2">§2 Conventions<\/a><\/td><td>1<\/td><td>1<\/td><td>1<\/td><td>0<\/td>/)
  t.match(html, /2 passed, 1 failed, 1 skipped, 1 warnings; 3 of 4 MUST cases ran/)
})

t.test('a usage error still makes a schema-valid report (exit 2, spec §14.2)', async (t) => {
  const validate = compileValidators(REPORT_SCHEMAS).get('conformance-report')!
  const doc = JSON.parse(JSON.stringify(reportJson(usageReport('http://x', 'command line: bad'))))
  t.ok(validate(doc), validate.explain())
  t.match(doc, { exit_code: 2, error: 'command line: bad', results: [], target: { url: 'http://x' } })
  t.notOk('device_id' in doc.target, 'no device id without discovery')
})
