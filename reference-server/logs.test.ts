import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { AUDIT_FILE, createAuditLog, createLogger, withoutQuery } from './logs.ts'

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
