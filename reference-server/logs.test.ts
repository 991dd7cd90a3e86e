// Checks spec requirements: pw-sec-13.6-strip-query
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { fetch } from 'undici'
import WebSocket from 'ws'
import { PATHS } from '../protocol/registry.ts'
import { pair, signedFetch, startDevice } from './http/test-fixture.ts'
import { StoreUnavailableError } from './store/store.ts'
import {
  AUDIT_FILE,
  createAuditLog,
  createLogger,
  withoutQuery,
  type ClosableAuditLog,
} from './logs.ts'

t.test('withoutQuery drops the query and fragment', async (t) => {
  t.equal(withoutQuery('/pairwire/v1/ws?ticket=abc'), '/pairwire/v1/ws')
  t.equal(withoutQuery('http://h/p#frag'), 'http://h/p')
  t.equal(withoutQuery('/plain'), '/plain')
})

t.test('the logger writes one JSON line per event with time and level', async (t) => {
  const stream = new PassThrough()
  const log = createLogger(stream)
  log.info('a', { n: 1 })
  log.warn('b')
  log.error('c', { url: '/pairwire/v1/ws?ticket=SECRET', path: '/x?y=1' })
  const lines = String(stream.read()).trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 3)
  t.match(lines[0], { level: 'info', event: 'a', n: 1 })
  t.ok(!Number.isNaN(Date.parse(lines[0].t)), 't is an ISO time')
  t.match(lines[1], { level: 'warn', event: 'b' })
  t.same({ url: lines[2].url, path: lines[2].path }, { url: '/pairwire/v1/ws', path: '/x' })
  t.notOk(JSON.stringify(lines).includes('SECRET'), 'no query value is ever logged')
})

t.test('the logger stops writing once its stream has ended', async (t) => {
  const stream = new PassThrough()
  const log = createLogger(stream)
  stream.end()
  t.doesNotThrow(() => log.info('late'))
})

t.test('without a state dir the audit log is memory-only and bounded', async (t) => {
  const audit = createAuditLog(null)
  audit.record('pair.success', { client_id: 'pwc_x' })
  t.match(audit.entries[0], { event: 'pair.success', client_id: 'pwc_x' })
  for (let i = 0; i < 1500; i++) audit.record('ticket.issue', { i })
  t.equal(audit.entries.length, 1000)
  t.match(audit.entries[999], { i: 1499 }, 'the newest entries are kept')
  await audit.close()
})

t.test('with a state dir the audit log appends JSON lines to a 0600 file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-audit-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const first = createAuditLog(dir)
  first.record('pair.success', { client_id: 'pwc_a' })
  await first.close()
  first.record('dropped', {})
  const second = createAuditLog(dir)
  second.record('client.revoke', { client_id: 'pwc_a', by: 'self' })
  await second.close()
  await second.close()
  const path = join(dir, AUDIT_FILE)
  t.equal(statSync(path).mode & 0o777, 0o600)
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  t.same(lines.map((l) => l.event), ['pair.success', 'client.revoke'], 'appended, never rewritten')
  t.same(second.entries, [], 'file-backed logs keep nothing in memory')
})

t.test('a failing audit write is reported on stderr and does not throw', { skip: existsSync('/dev/full') ? false : 'no /dev/full on this system' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-audit-full-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // Every write(2) to /dev/full fails with ENOSPC: a full disk.
  symlinkSync('/dev/full', join(dir, AUDIT_FILE))
  const audit = createAuditLog(dir)
  const said: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string) => (said.push(String(chunk)), true)) as typeof process.stderr.write
  try {
    t.doesNotThrow(() => audit.record('ticket.issue', { client_id: 'pwc_a' }))
  } finally {
    process.stderr.write = write
  }
  await audit.close()
  t.match(said.join(''), /"event":"audit.write-failed".*"error":"ENOSPC"/, 'the operator log says why')
})

/** Opens the session path with `query`; resolves once the device upgraded or refused it. */
function upgrade(url: string, query: string): Promise<void> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${PATHS.websocket}${query}`)
  ws.on('error', () => {})
  return new Promise((resolve) => {
    ws.once('open', () => (ws.close(), resolve()))
    ws.once('unexpected-response', () => (ws.terminate(), resolve()))
  })
}

t.test('a running device logs no query of any request it serves, refuses or fails', async (t) => {
  const logStream = new PassThrough()
  const device = await startDevice(t, { logStream })
  const client = await pair(device)
  const marks: string[] = []
  const query = (name: string): string => {
    marks.push(`QUERY-${name}`)
    return `?${name}=QUERY-${name}`
  }
  const rpc = async (name: string) =>
    (await signedFetch(device, client, { path: PATHS.rpc + query(name), body: {} })).body?.cancel()
  await (await fetch(device.url + PATHS.discovery + query('served'))).body?.cancel()
  await (await fetch(device.url + '/nope' + query('unknown'))).body?.cancel()
  await rpc('signed')
  const issued = await signedFetch(device, client, { path: PATHS.tickets, body: { v: 1 } })
  const { ticket } = (await issued.json()) as { ticket: string }
  marks.push(ticket)
  await upgrade(device.url, `?ticket=${ticket}&x=1`)
  await upgrade(device.url, `?ticket=${ticket}`)
  const { store } = device.ctx
  const getClient = store.getClient.bind(store)
  store.getClient = () => Promise.reject(new StoreUnavailableError('test: store down'))
  await rpc('unavailable')
  store.getClient = () => Promise.reject(new TypeError('a bug'))
  await rpc('failed')
  store.getClient = getClient

  const logs = String(logStream.read())
  const audit = JSON.stringify((device.ctx.audit as ClosableAuditLog).entries)
  t.same(marks.filter((mark) => logs.includes(mark) || audit.includes(mark)), [], 'no query logged')
  type Line = { event: string; path?: string }
  const lines = logs.trim().split('\n').map((line) => JSON.parse(line) as Line)
  const logged = new Set(lines.map((line) => line.event))
  const expected = ['http.request', 'store.unavailable', 'http.internal-error', 'session.refused']
  for (const event of expected) t.ok(logged.has(event), `${event} was logged`)
  const paths = lines.flatMap((line) => (line.path === undefined ? [] : [line.path]))
  t.ok(paths.includes(PATHS.rpc) && paths.includes('/nope'), 'paths are logged, without query')
  t.same(paths.filter((path) => path.includes('?')), [])
})
