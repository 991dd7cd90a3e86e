/**
 * The browser client in a real browser (issue 19): the reference device serves the page
 * (--browser-page) under its strict CSP; Debian's Chromium (/usr/bin/chromium, installed by
 * .ci/run), driven by playwright-core, pairs with a PIN from the test-control endpoint (spec §12),
 * shows the pairwire.echo answer, keeps the credentials in IndexedDB across a reload, pairs
 * again from a `pairwire:` URI (spec §5.11) and refuses a URI naming another device_id, prints
 * both crypto backends' speed, and saves a screenshot the test reads back. Any CSP violation or
 * page error fails the test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { formatPairingUri } from '../../protocol/pairing-uri.ts'
import { PATHS } from '../../protocol/registry.ts'
import { createDevice } from '../../reference-server/device.ts'
import { BROWSER_PAGE_CSP } from '../../reference-server/http/browser-page.ts'
import { buildBrowserPage } from './bundle.ts'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]
const VIEWPORT = { width: 900, height: 1100 }

/** Width and height from a PNG's IHDR chunk (PNG spec §11.2.2), after checking the signature. */
/** The page's backends table: primitive -> [source, operations so far]. */
async function backendsUsed(page: import('playwright-core').Page): Promise<Record<string, string[]>> {
  await page.locator('#backends[data-state="done"]').waitFor()
  return page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll<HTMLElement>('#backends tbody tr')).map((row) => [
        row.dataset.primitive!,
        [row.dataset.source!, row.dataset.count!],
      ]),
    ),
  )
}

function pngSize(png: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  if (png.length < 24 || !png.subarray(0, 8).equals(signature)) return null
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') return null
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

t.test('Chromium pairs, echoes, keeps its credentials and pairs from a URI under a strict CSP', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)`)
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-browser-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const sizes = await buildBrowserPage(join(dir, 'page'))
  t.same(sizes[0]!.packages.filter((p) => p === 'ajv' || p === 'typebox'), [], 'no ajv, no TypeBox')
  const device = await createDevice({
    host: '127.0.0.1',
    port: 0,
    store: 'memory',
    stateDir: null,
    testHooks: true,
    browserPageDir: join(dir, 'page'),
    logStream: { write: () => true } as never,
  })
  t.teardown(() => device.close())
  const newPin = async (): Promise<string> => {
    const response = await fetch(new URL(PATHS.testPin, device.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 1 }),
    })
    return ((await response.json()) as { pin: string }).pin
  }

  const page0 = await fetch(device.url + '/')
  t.equal(page0.headers.get('content-security-policy'), BROWSER_PAGE_CSP)
  t.notMatch(BROWSER_PAGE_CSP, /unsafe-(inline|eval)/)

  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    args: FLAGS,
    viewport: VIEWPORT,
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  page.setDefaultTimeout(15_000)
  const problems: string[] = []
  page.on('pageerror', (e) => void problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  const failed: string[] = []
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`)
  })
  // Registered before any script of the page runs, so a violation during loading counts too.
  await page.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { cspViolations: seen })
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective))
  })
  await page.goto(device.url + '/')
  await page.locator('#status[data-state="unpaired"]').waitFor()
  // The policy is in force: an inline script and code from a string (what ajv's run-time
  // compilation amounts to) are both refused, and each reports a violation.
  const refused = await page.evaluate(async () => {
    const w = window as unknown as { ran?: string[]; cspViolations: string[] }
    w.ran = []
    const inline = document.createElement('script')
    inline.textContent = 'window.ran.push("inline")'
    document.head.append(inline)
    ;(setTimeout as unknown as (code: string, ms: number) => void)('window.ran.push("string")', 0)
    await new Promise((resolve) => setTimeout(resolve, 50))
    return { ran: w.ran, violations: [...w.cspViolations].sort() }
  })
  t.same(refused, { ran: [], violations: ['script-src', 'script-src-elem'] }, 'inline script and eval refused')
  const reported = problems.splice(0)
  t.equal(reported.length, 2, 'Chromium reported the two refusals, nothing else so far')
  t.ok(reported.every((p) => /Content Security Policy/.test(p)), reported.join('\n'))
  await page.evaluate(() => ((window as unknown as { cspViolations: string[] }).cspViolations.length = 0))

  await page.fill('#pin', await newPin())
  await page.fill('#text', 'hello from Chromium')
  await page.click('#pair')
  await page.locator('#echo-result[data-state="done"]').waitFor()
  t.same(JSON.parse(await page.locator('#echo-result').innerText()), { text: 'hello from Chromium' })
  const clientId = await page.locator('#status').getAttribute('data-client-id')
  t.match(clientId, /^pwc_/)
  t.ok(await device.ctx.store.getClient(clientId!), 'the device registered the browser client')
  await page.locator('#speed[data-state="done"]').waitFor()
  const offered = await page.locator('#speed tbody tr').allInnerTexts()
  t.ok(offered.every((row) => /\d+ ops\/s\s+\d+ ops\/s/.test(row)), `Chromium offers all three:\n${offered.join('\n')}`)
  // Pairing runs on the synchronous backend; the session and its ticket on WebCrypto: e and
  // DH(e, re), the ticket's Ed25519 signature, one request sealed and one response opened.
  const used = { aesGcm: ['webcrypto', '2'], x25519: ['webcrypto', '2'], ed25519: ['webcrypto', '1'] }
  t.same(await backendsUsed(page), used, 'pairing + echo used WebCrypto for every primitive')

  await page.reload()
  await page.locator('#status[data-state="paired"]').waitFor()
  t.equal(await page.locator('#status').getAttribute('data-client-id'), clientId, 'IndexedDB kept it')
  const stored = await page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const r = indexedDB.open('pairwire')
        r.onerror = () => reject(r.error)
        r.onsuccess = () => {
          const get = r.result.transaction('credentials').objectStore('credentials').getAllKeys()
          get.onsuccess = () => resolve(get.result.map(String))
        }
      }),
  )
  t.same(stored, [device.url], 'one record, keyed by the device origin')
  await page.fill('#text', 'after reload')
  await page.click('#echo')
  await page.locator('#echo-result[data-state="done"]').filter({ hasText: 'after reload' }).waitFor()
  t.same(await backendsUsed(page), used, 'after the reload: a fresh count, the same WebCrypto operations')

  // Spec §5.11: a URI naming another device_id is refused before pair/start.
  const wrongId = 'pwd_' + 'A'.repeat(22)
  await page.fill('#uri', formatPairingUri({ url: device.url, deviceId: wrongId, pin: await newPin() }))
  await page.click('#pair')
  await page.locator('#status[data-state="error"]').waitFor()
  t.match(await page.locator('#status').innerText(), /does not match the device_id of the pairing URI/)
  // The right URI, carrying its PIN, pairs a second time (a new client key).
  await page.fill('#pin', '')
  await page.fill('#uri', formatPairingUri({ url: device.url, deviceId: device.deviceId, pin: await newPin() }))
  await page.fill('#text', 'paired from a URI')
  await page.click('#pair')
  await page.locator('#echo-result[data-state="done"]').filter({ hasText: 'paired from a URI' }).waitFor()
  t.not(await page.locator('#status').getAttribute('data-client-id'), clientId)

  await page.locator('#speed[data-state="done"]').waitFor()
  const rows = await page.locator('#speed tbody tr').allInnerTexts()
  t.equal(rows.length, 5)
  t.ok(rows.every((row) => /\d+ ops\/s/.test(row)), rows.join('\n'))
  t.comment(rows.join('\n'))

  const file = join(dir, 'page.png')
  await page.screenshot({ path: file, fullPage: false })
  const png = readFileSync(file)
  t.same(pngSize(png), VIEWPORT, 'a PNG of the viewport')
  t.ok(png.length > 10_000, `the screenshot has content (${png.length} bytes)`)
  t.ok(await page.getByText('paired from a URI').isVisible(), 'the echo answer is on screen')
  const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)
  t.same(violations, [], 'no CSP violation')
  t.same(failed, [], 'every request of the page succeeded')
  t.same(problems, [], 'no page error')
})

t.test('without --browser-page the device serves no page', async (t) => {
  const device = await createDevice({ host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, logStream: { write: () => true } as never })
  t.teardown(() => device.close())
  const response = await fetch(device.url + '/page.js')
  t.equal(response.status, 404)
  t.equal(response.headers.get('content-type'), 'application/problem+json')
})
