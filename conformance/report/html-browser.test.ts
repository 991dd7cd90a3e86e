/**
 * The HTML report in a real browser (spec §14.2): the harness runs against the stub device, which
 * answers unknown paths with text/plain instead of problem details, so 2.9-not-found fails; the
 * report it writes is opened in Debian's Chromium (/usr/bin/chromium, installed by .ci/run) and
 * must show that case as a MUST failure with expected, actual and the trace, in the section table.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import t from 'tap'
import { runCli } from '../cli.ts'
import { startStub } from '../stub-device.ts'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

const sink = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() })

t.test('the HTML report of a faulty run shows the failing case in Chromium', async (t) => {
  t.ok(existsSync(CHROMIUM), `${CHROMIUM} is installed (Debian package chromium, .ci/run)`)
  const stub = await startStub()
  t.teardown(stub.close)
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-html-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'report.html')
  const argv = ['server', '--url', stub.url, '--only', '2.9-not-found,4.1-endpoint']
  const code = await runCli([...argv, '--report', `html:${file}`], { stdout: sink(), stderr: sink() })
  t.equal(code, 1, 'the faulty device fails a MUST case')

  const profile = join(dir, 'profile')
  // A fresh profile directory: playwright passes it as --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: FLAGS,
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  page.setDefaultTimeout(5000)
  const requests: string[] = []
  page.on('request', (r) => void requests.push(r.url()))
  await page.goto(pathToFileURL(file).href)

  const failing = page.locator('#case-2\\.9-not-found')
  t.ok(await failing.isVisible(), 'the failing case is shown')
  t.equal(await failing.getAttribute('data-status'), 'fail')
  t.match(await failing.locator('h3').innerText(), /FAIL 2\.9-not-found\s+MUST/)
  t.match(await failing.locator('pre.expected').innerText(), /application\/problem\+json/)
  t.match(await failing.locator('pre.actual').innerText(), /text\/plain/)
  t.ok(await failing.locator('pre.trace').isVisible(), 'the trace is open')
  t.match(await failing.locator('pre.trace').innerText(), /-> GET \/ HTTP\/1\.1/)
  t.match(await page.locator('#summary').innerText(), /1 passed, 1 failed, 0 skipped; 2 of \d+ MUST cases ran/)
  const sectionRow = page.locator('table.sections tr', { hasText: '§2 Conventions' })
  t.match(await sectionRow.innerText(), /§2 Conventions\s+0\s+1\s+0\s+0/)
  t.equal(await page.locator('#case-4\\.1-endpoint').getAttribute('data-status'), 'pass')
  t.same(requests, [pathToFileURL(file).href], 'self-contained: nothing else is loaded')
})
