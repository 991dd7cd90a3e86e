import { PassThrough } from 'node:stream'
import fc from 'fast-check'
import t from 'tap'
import { guardMessageLength } from './frame-guard.ts'

const LIMIT = 1000
const BINARY = 0x2
const CONTINUATION = 0x0
const PING = 0x9

/** One masked client frame (RFC 6455 §5.2) with a zero payload of `length` bytes. */
function frame(opcode: number, length: number, fin = true, payload = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode
  let head: Buffer
  if (length < 126) head = Buffer.from([first, 0x80 | length])
  else if (length < 65536) head = Buffer.from([first, 0x80 | 126, length >> 8, length & 0xff])
  else {
    head = Buffer.alloc(10)
    head[0] = first
    head[1] = 0x80 | 127
    head.writeBigUInt64BE(BigInt(length), 2)
  }
  const mask = Buffer.alloc(4, 0x5a)
  return Buffer.concat([head, mask, Buffer.alloc(payload ? length : 0)])
}

/** Feeds `bytes` in chunks of the given sizes; returns how many times the guard fired. */
function run(bytes: Buffer, chunk = bytes.length || 1): number {
  const socket = new PassThrough()
  let fired = 0
  guardMessageLength(socket, LIMIT, () => fired++)
  socket.on('data', () => {})
  for (let i = 0; i < bytes.length; i += chunk) socket.write(bytes.subarray(i, i + chunk))
  return fired
}

t.test('messages up to max_frame pass, in any chunking', async (t) => {
  const frames = [frame(BINARY, LIMIT), frame(BINARY, 0), frame(BINARY, 126), frame(PING, 4)]
  const ok = Buffer.concat(frames)
  for (const chunk of [1, 2, 3, 7, 64, ok.length]) t.equal(run(ok, chunk), 0, `chunk ${chunk}`)
})

t.test('a frame over max_frame is reported at its header, before its payload', async (t) => {
  t.equal(run(frame(BINARY, LIMIT + 1, true, false)), 1)
  t.equal(run(frame(BINARY, 70_000, true, false), 3), 1, '64-bit length')
  t.equal(run(frame(0x1, LIMIT + 1, true, false)), 1, 'text frames too')
  const huge = frame(BINARY, 0, true, false)
  const all = 0xff
  const head = Buffer.from([0x82, 0x80 | 127, all, all, all, all, all, all, all, all, 1, 2, 3, 4])
  t.equal(run(Buffer.concat([huge, head])), 1, 'a length beyond 2^53')
})

t.test('fragments count together; a FIN starts the next message afresh', async (t) => {
  const split = [frame(BINARY, 600, false), frame(CONTINUATION, 401, true, false)]
  t.equal(run(Buffer.concat(split)), 1, '600 + 401 > 1000')
  const fits = [
    frame(BINARY, 600, false),
    frame(PING, 100),
    frame(CONTINUATION, 400),
    frame(BINARY, 1000),
  ]
  t.equal(run(Buffer.concat(fits), 5), 0, 'control frames in between do not count')
})

t.test('it reports once and then stops watching', async (t) => {
  const bytes = Buffer.concat([
    frame(BINARY, LIMIT + 1, true, false),
    frame(BINARY, LIMIT + 5, true, false),
  ])
  t.equal(run(bytes, 1), 1)
})

t.test('property: fires iff some message exceeds max_frame', async (t) => {
  const message = fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 3 })
  const messages = fc.array(message, { maxLength: 4 })
  const chunks = fc.integer({ min: 1, max: 50 })
  fc.assert(
    fc.property(messages, chunks, (list, chunk) => {
      const frames = list.flatMap((parts) =>
        parts.map((n, i) => frame(i === 0 ? BINARY : CONTINUATION, n, i === parts.length - 1)),
      )
      const tooLarge = list.some((parts) => parts.reduce((a, b) => a + b, 0) > LIMIT)
      return run(Buffer.concat(frames), chunk) === (tooLarge ? 1 : 0)
    }),
    { numRuns: 100 },
  )
  t.pass('held')
})
