import t from 'tap'
import { base64urlDecode } from '../../protocol/encoding.ts'
import type { DevicePairingState } from '../../protocol/spake2/index.ts'
import { MemoryPairingState } from '../store/pairing-state.ts'
import { PAIRING_ID_BYTES, PendingPairings, type PendingPairing } from './pending.ts'

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)

const pendingUntil = (expiresAt: number, windowGeneration = 1): PendingPairing => ({
  state: { TT: bytes(64, 1), Ke: bytes(16, 2), KcA: bytes(16, 3), KcB: bytes(16, 4),
    confirmed: false } as unknown as DevicePairingState,
  windowGeneration,
  clientKey: bytes(32, 5),
  clientName: 'c',
  expiresAt,
})

const pendingWith = (max: number) => new PendingPairings(max, new MemoryPairingState())

t.test('pairing ids are random base64url of 16 bytes', async (t) => {
  const pending = pendingWith(8)
  const a = await pending.add(pendingUntil(10), 0)
  const b = await pending.add(pendingUntil(10), 0)
  t.equal(base64urlDecode(a!).length, PAIRING_ID_BYTES)
  t.not(a, b)
})

t.test('take is single use and gives back what was added', async (t) => {
  const pending = pendingWith(8)
  const entry = pendingUntil(10)
  const id = (await pending.add(entry, 0))!
  const taken = await pending.take(id, 5)
  t.same(taken?.state.TT, entry.state.TT)
  t.same(taken?.state.KcB, entry.state.KcB)
  t.same(taken?.clientKey, entry.clientKey)
  t.match(taken, { windowGeneration: 1, clientName: 'c', expiresAt: 10, state: { confirmed: false } })
  t.equal(await pending.take(id, 5), undefined, 'second take')
  t.equal(await pending.take('unknown', 5), undefined)
})

t.test('a pairing is unknown from its expires_at on (spec §2.7)', async (t) => {
  const pending = pendingWith(1)
  t.ok(await pending.take((await pending.add(pendingUntil(10), 0))!, 9), 'valid one second before')
  const id = (await pending.add(pendingUntil(10), 0))!
  t.equal(await pending.take(id, 10), undefined, 'expired at expires_at')
  t.ok(await pending.add(pendingUntil(20), 0), 'and removed')
})

t.test('at most maxConcurrent pairings per window; expired ones do not count', async (t) => {
  const pending = pendingWith(2)
  t.ok(await pending.add(pendingUntil(10), 0))
  t.ok(await pending.hasRoom(1, 0))
  t.ok(await pending.add(pendingUntil(20), 0))
  t.notOk(await pending.hasRoom(1, 0), 'two pending: no room')
  t.equal(await pending.add(pendingUntil(20), 0), undefined, 'and add refuses too')
  t.ok(await pending.hasRoom(1, 10), 'room again once the first expired')
  t.ok(await pending.add(pendingUntil(20, 2), 0), 'another window has its own count')
  t.ok(await pending.add(pendingUntil(20), 10), 'the first expired at 10')
})
