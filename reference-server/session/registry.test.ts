import t from 'tap'
import { CLOSES, type CloseEntry } from '../../protocol/registry.ts'
import type { SessionRegistry } from '../context.ts'
import { createSessionRegistry, sessionTableOf, type LiveSession } from './registry.ts'

class FakeSession implements LiveSession {
  readonly closes: CloseEntry[] = []
  readonly notes: [string, unknown][] = []
  readonly ended: Promise<void>
  end!: () => void
  constructor(
    readonly clientId: string,
    readonly open = true,
  ) {
    this.ended = new Promise((resolve) => (this.end = resolve))
  }
  close(entry: CloseEntry): boolean {
    this.closes.push(entry)
    return this.closes.length === 1
  }
  notify(method: string, params: unknown): boolean {
    if (this.open) this.notes.push([method, params])
    return this.open
  }
}

t.test('sessions are counted per client until removed', async (t) => {
  const table = sessionTableOf(createSessionRegistry())
  const a1 = new FakeSession('a')
  const a2 = new FakeSession('a')
  table.add(a1)
  table.add(a1)
  table.add(a2)
  table.add(new FakeSession('b'))
  t.equal(table.size, 3, 'adding twice counts once')
  table.delete(a1)
  table.delete(a1)
  table.delete(new FakeSession('zzz'))
  t.equal(table.size, 2)
})

t.test('closeClient closes only that client\'s sessions, counting those it closed', async (t) => {
  const table = sessionTableOf(createSessionRegistry())
  const [a1, a2, b] = [new FakeSession('a'), new FakeSession('a'), new FakeSession('b')]
  for (const s of [a1, a2, b]) table.add(s)
  a2.close(CLOSES.idleTimeout)
  t.equal(table.closeClient('a', CLOSES.clientRevoked), 1, 'a2 was already closing')
  t.same(a1.closes, [CLOSES.clientRevoked])
  t.same(b.closes, [])
  t.equal(table.closeClient('nobody', CLOSES.clientRevoked), 0)
})

t.test('notifyClient reaches the client\'s open sessions only', async (t) => {
  const table = sessionTableOf(createSessionRegistry())
  const open = new FakeSession('a')
  const handshaking = new FakeSession('a', false)
  const other = new FakeSession('b')
  for (const s of [open, handshaking, other]) table.add(s)
  t.equal(table.notifyClient('a', 'm', { x: 1 }), 1)
  t.same(open.notes, [['m', { x: 1 }]])
  t.same(other.notes, [])
})

t.test('closeAll closes everything and resolves once every session ended', async (t) => {
  const table = sessionTableOf(createSessionRegistry())
  const sessions = [new FakeSession('a'), new FakeSession('b')]
  for (const s of sessions) table.add(s)
  let done = false
  const closing = table.closeAll(CLOSES.goingAway).then(() => (done = true))
  t.same(sessions.map((s) => s.closes), [[CLOSES.goingAway], [CLOSES.goingAway]])
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(done, 'waits for the sockets')
  for (const s of sessions) s.end()
  await closing
  t.ok(done)
})

t.test('attachSessions needs a registry from createSessionRegistry', async (t) => {
  const foreign: SessionRegistry = {
    closeClient: () => 0,
    closeAll: async () => {},
    notifyClient: () => 0,
    size: 0,
  }
  t.throws(() => sessionTableOf(foreign), TypeError)
})
