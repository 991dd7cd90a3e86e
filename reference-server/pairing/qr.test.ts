// Checks spec requirements: pw-pair-5.11-uri-format, pw-sec-13.12-uri-not-logged
/**
 * `pairwire-server --pair --qr` (what `npm start` runs): the pairing-window event carries the
 * pairing URI of spec §5.11 for this device's origin, device_id and PIN; the QR code of that URI
 * goes to the operator's stderr; no log line carries the URI or the PIN (§13.12); and a client
 * pairs from the URI alone.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import t from 'tap'
import { parsePairingUri } from '../../protocol/pairing-uri.ts'
import { pairFromUri } from '../../reference-client/pair.ts'
import { terminalQr } from './qr.ts'

t.test('--pair --qr prints the URI and its QR code, and a client pairs from it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-qr-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const child = spawn(process.execPath, [
    '--import', 'tsx', new URL('../cli.ts', import.meta.url).pathname,
    '--port', '0', '--state-dir', dir, '--pair', '--qr',
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => child.kill('SIGKILL'))
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const stdout = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const listening = JSON.parse((await stdout.next()).value as string)
  const window = JSON.parse((await stdout.next()).value as string)
  t.match(window, { event: 'pairing-window', uri: /^pairwire:pwd_/ })
  t.same(parsePairingUri(window.uri), { url: listening.url, deviceId: listening.device_id, pin: window.pin })

  const credentials = await pairFromUri({ uri: window.uri, name: 'from the QR code' })
  t.equal(credentials.device_id, listening.device_id)
  child.kill('SIGTERM')
  t.equal(await exited, 0)

  const qr = terminalQr(window.uri)
  t.ok(stderr.includes(`Scan to pair, or open ${window.uri}\n${qr}`), 'the URI and its QR code on stderr')
  const logLines = stderr.split('\n').filter((line) => line.startsWith('{'))
  t.ok(logLines.some((line) => line.includes('"event":"pairing.window-open"')), 'the log was captured')
  t.same(logLines.filter((line) => line.includes(window.pin) || line.includes('pairwire:')), [], 'no URI or PIN logged')
})

t.test('the terminal QR code has the size of its QR version', async (t) => {
  const uri = 'pairwire:pwd_kJ2xWm3sNqPzR7cT4vYb8A?url=http%3A%2F%2F192.168.1.20%3A8080&pin=482913'
  const lines = terminalQr(uri).split('\n')
  // Two modules per text row, one-character border: a version-v code is 17 + 4v modules wide.
  const width = [...lines[1]!].length - 2
  t.ok((width - 17) % 4 === 0 && width >= 21, `a QR code width (${width} modules)`)
  t.equal(lines.length, Math.ceil(width / 2) + 2, 'one row of text per two rows of modules, plus borders')
  t.ok(lines.slice(1, -1).every((l) => [...l].length === width + 2), 'every row as wide')
  t.not(terminalQr(uri), terminalQr(uri.replace('482913', '482914')), 'the code depends on the URI')
})
