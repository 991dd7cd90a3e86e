/**
 * zaparoo-v1 protocol core (spec/profiles/zaparoo-v1.md §2 - §4): both roles of the PAKE agree on
 * K, the wire message round-trips in Go's field order, invalid points and messages are refused
 * with their typed errors, and frames authenticate per direction and counter.
 */
import t from 'tap'
import {
  clientFinish,
  clientMessage,
  clientShare,
  decodePakeMessage,
  encodePakeMessage,
  FIELD_PRIME,
  FrameCipher,
  InvalidPakeMessage,
  InvalidPoint,
  minimalBytes,
  openFrame,
  peerPoint,
  randomScalar,
  serverMessage,
  serverRespond,
  sessionKeys,
  U,
} from './index.ts'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

t.test('both roles derive the same K from random scalars', async (t) => {
  const alpha = randomScalar()
  const X = clientShare('482913', alpha)
  const { Y, K } = serverRespond('482913', X, randomScalar())
  t.same(clientFinish('482913', alpha, X, Y), K)
  t.notSame(clientFinish('482914', alpha, X, Y), K, 'a wrong PIN gives another K')
})

t.test('minimal big-endian integers strip leading zeros (Go big.Int.Bytes)', async (t) => {
  t.same(minimalBytes(0n), new Uint8Array())
  t.same(minimalBytes(0x00ffn), Uint8Array.of(0xff))
  t.same(minimalBytes(0x0100n), Uint8Array.of(1, 0))
  t.throws(() => minimalBytes(-1n), RangeError)
})

t.test('the wire message is Go-ordered and decodes back', async (t) => {
  const X = clientShare('123456', 42n)
  const a = encodePakeMessage(clientMessage(X))
  t.match(new TextDecoder().decode(a), /^\{"ux":"\d+","uy":"\d+","vx".*"yx":"0","yy":"0","role":0\}$/)
  const m = decodePakeMessage(encodePakeMessage(serverMessage(X, X)))
  t.equal(m.role, 1)
  t.same(m.x, X)
  t.same(m.u, U)
})

t.test('the strict decoder refuses every malformed message', async (t) => {
  const good = JSON.parse(new TextDecoder().decode(encodePakeMessage(clientMessage(U))))
  const bad = [
    new Uint8Array([0xff]),
    utf8('[]'),
    utf8(JSON.stringify({ ...good, role: '0' })),
    utf8(JSON.stringify({ ...good, xx: '-1' })),
    utf8(JSON.stringify({ ...good, xy: 5 })),
    utf8(JSON.stringify({ ...good, yy: undefined })),
  ]
  for (const b of bad) t.throws(() => decodePakeMessage(b), InvalidPakeMessage)
})

t.test('peer points off the curve, at (0, 0) or out of range are refused', async (t) => {
  for (const c of [{ x: 0n, y: 0n }, { x: 1n, y: 2n }, { x: FIELD_PRIME, y: 1n }, { x: -1n, y: 1n }]) {
    t.throws(() => peerPoint(c), InvalidPoint)
  }
  t.throws(() => serverRespond('123456', { x: 5n, y: 7n }, 3n), InvalidPoint)
})

t.test('frames authenticate per direction and counter', async (t) => {
  const k = sessionKeys(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2))
  const tx = new FrameCipher(k.c2sKey, k.c2sBase, 'tok')
  const rx = new FrameCipher(k.c2sKey, k.c2sBase, 'tok')
  const first = tx.seal(utf8('ping'))
  t.same(rx.open(first), utf8('ping'))
  t.equal(rx.next, 1n)
  t.throws(() => rx.open(first), 'a replayed frame fails at the next counter')
  t.equal(rx.next, 1n, 'a failed open does not advance')
  t.throws(() => openFrame(k.s2cKey, k.s2cBase, 1n, 'tok', tx.seal(utf8('x'))), 'wrong direction')
  t.throws(() => openFrame(k.c2sKey, k.c2sBase, 1n, 'other', tx.seal(utf8('x'))), 'wrong AAD')
})
