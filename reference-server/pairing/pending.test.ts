import t from 'tap'
import { base64urlDecode } from '../../protocol/encoding.ts'
import type { DevicePairingState } from '../../protocol/spake2/index.ts'
import { PAIRING_ID_BYTES, PendingPairings, type PendingPairing } from './pending.ts'

const pendingUntil = (expiresAt: number, windowGeneration = 1): PendingPairing => ({
  state: {} as DevicePairingState,
  windowGeneration,
  clientKey: new Uint8Array(32),
  clientName: 'c',
  expiresAt,
})

t.test('pairing ids are random base64url of 16 bytes', async (t) => {
  const pending = new PendingPairings(8)
  const a = pending.add(pendingUntil(10))
  const b = pending.add(pendingUntil(10))
  t.equal(base64urlDecode(a).length, PAIRING_ID_BYTES)
  t.not(a, b)
})

t.test('take is single use', async (t) => {
  const pending = new PendingPairings(8)
  const entry = pendingUntil(10)
  const id = pending.add(entry)
  t.equal(pending.take(id, 5), entry)
  t.equal(pending.take(id, 5), undefined, 'second take')
  t.equal(pending.take('unknown', 5), undefined)
})

t.test('a pairing is unknown from its expires_at on (spec §2.7)', async (t) => {
  const pending = new PendingPairings(1)
  const entry = pendingUntil(10)
  t.equal(pending.take(pending.add(entry), 9), entry, 'valid one second before')
  const id = pending.add(pendingUntil(10))
  t.equal(pending.take(id, 10), undefined, 'expired at expires_at')
  t.ok(pending.hasRoom(0, 1), 'and removed')
})

t.test('at most maxConcurrent pairings per window; expired ones do not count', async (t) => {
  const pending = new PendingPairings(2)
  pending.add(pendingUntil(10))
  t.ok(pending.hasRoom(0, 1))
  pending.add(pendingUntil(20))
  t.notOk(pending.hasRoom(0, 1), 'two pending')
  t.ok(pending.hasRoom(0, 2), 'pairings of an earlier window do not count against a new one')
  t.ok(pending.hasRoom(10, 1), 'the first expired at 10')
})
