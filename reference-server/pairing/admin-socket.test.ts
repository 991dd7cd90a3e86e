// Checks spec requirements: pw-pair-5.3-open-locally
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import {
  adminRequest,
  adminSocketPath,
  AdminUnavailableError,
  serveAdminSocket,
} from './admin-socket.ts'

function stateDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-admin-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const handlers = {
  pair: async (request: Record<string, unknown>) => ({ pin: '480613', ttl: request.ttl ?? null }),
  fail: async () => {
    throw new RangeError('ttl too large')
  },
}

t.test('requests are answered with ok; handler errors with their message', async (t) => {
  const dir = stateDir(t)
  const server = (await serveAdminSocket(dir, handlers))!
  t.teardown(() => server.close())
  t.equal(statSync(adminSocketPath(dir)).mode & 0o777, 0o600, 'socket mode 0600')
  t.same(await adminRequest(dir, { op: 'pair', ttl: 30 }), { pin: '480613', ttl: 30 })
  await t.rejects(adminRequest(dir, { op: 'fail' }), { message: 'ttl too large' })
  await t.rejects(adminRequest(dir, { op: 'nope' }), { message: 'unknown op' })
  await t.rejects(adminRequest(dir, { op: 'toString' }), { message: 'unknown op' })
})

async function rawLine(path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path)
    let reply = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (reply += chunk))
    socket.on('end', () => resolve(reply))
    socket.on('error', reject)
    socket.write(text)
  })
}

t.test('garbage and overlong requests get an error line, not a hang', async (t) => {
  const dir = stateDir(t)
  const server = (await serveAdminSocket(dir, handlers))!
  t.teardown(() => server.close())
  const path = adminSocketPath(dir)
  t.same(JSON.parse(await rawLine(path, 'not json\n')), { error: 'request is not JSON' })
  t.same(JSON.parse(await rawLine(path, 'x'.repeat(2000))), { error: 'request too long' })
})

const unavailable = { name: new AdminUnavailableError().name }

t.test('no device running: AdminUnavailableError', async (t) => {
  const dir = stateDir(t)
  await t.rejects(adminRequest(dir, { op: 'pair' }), unavailable)
  writeFileSync(adminSocketPath(dir), '')
  await t.rejects(adminRequest(dir, { op: 'pair' }), unavailable, 'a stale file is no device')
})

t.test('a stale socket file is replaced; a live socket is left to its device', async (t) => {
  const dir = stateDir(t)
  writeFileSync(adminSocketPath(dir), '')
  const first = (await serveAdminSocket(dir, handlers))!
  t.teardown(() => first.close())
  t.ok(first, 'stale file replaced')
  t.equal(await serveAdminSocket(dir, handlers), undefined, 'a second device does not steal it')
  t.same(await adminRequest(dir, { op: 'pair' }), { pin: '480613', ttl: null })
})
