import { EventEmitter } from 'node:events'
import t from 'tap'
import type { WebSocket } from 'ws'
import { Outbox, OUTBOX_LIMIT } from './outbox.ts'

/** A WebSocket stand-in whose writes complete only when the test flushes them. */
class SlowSocket extends EventEmitter {
  bufferedAmount = 0
  paused = false
  readonly #pending: [number, () => void][] = []
  send(frame: Uint8Array, _options: unknown, done: () => void): void {
    this.bufferedAmount += frame.length
    this.#pending.push([frame.length, done])
  }
  pause(): void {
    this.paused = true
  }
  resume(): void {
    this.paused = false
  }
  /** The peer reads `count` frames. */
  flush(count: number): void {
    for (const [length, done] of this.#pending.splice(0, count)) {
      this.bufferedAmount -= length
      done()
    }
  }
}

t.test('reading pauses while more than the limit waits, and resumes once drained', async (t) => {
  const ws = new SlowSocket()
  const outbox = new Outbox(ws as unknown as WebSocket, 1000)
  outbox.send(new Uint8Array(600))
  outbox.send(new Uint8Array(400))
  t.notOk(ws.paused, 'at the limit: still reading')
  outbox.send(new Uint8Array(1))
  t.ok(ws.paused && outbox.paused, 'over the limit: paused')
  ws.flush(1)
  t.notOk(ws.paused, 'back under the limit: reading again')
  ws.flush(2)
  t.notOk(outbox.paused)
})

t.test('a client that never reads keeps the device paused', async (t) => {
  const ws = new SlowSocket()
  const outbox = new Outbox(ws as unknown as WebSocket)
  while (ws.bufferedAmount <= OUTBOX_LIMIT) outbox.send(new Uint8Array(4096))
  t.ok(ws.paused, 'paused once over the limit')
  outbox.send(new Uint8Array(4096))
  ws.flush(1)
  t.ok(ws.paused, 'still over the limit after one frame is read')
})

/** The connection under ws: records how deeply it is corked whenever ws writes a frame. */
class CorkCounter {
  depth = 0
  readonly depthAtSend: number[] = []
  cork(): void {
    this.depth++
  }
  uncork(): void {
    this.depth--
  }
}

t.test('the frames of one turn are written while the connection is corked, then uncorked', async (t) => {
  const connection = new CorkCounter()
  const ws = new SlowSocket()
  const send = ws.send.bind(ws)
  ws.send = (frame, options, done) => {
    connection.depthAtSend.push(connection.depth)
    send(frame, options, done)
  }
  const outbox = new Outbox(ws as unknown as WebSocket, OUTBOX_LIMIT, connection as never)
  for (let i = 0; i < 3; i++) outbox.send(new Uint8Array(10))
  t.same(connection.depthAtSend, [1, 1, 1], 'corked once for the whole turn')
  await new Promise((done) => process.nextTick(done))
  t.equal(connection.depth, 0, 'uncorked once the turn is over')
  outbox.send(new Uint8Array(10))
  t.equal(connection.depth, 1, 'the next turn corks again')
  await new Promise((done) => process.nextTick(done))
  t.equal(connection.depth, 0)
})
