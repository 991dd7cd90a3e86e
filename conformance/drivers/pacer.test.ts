/**
 * The pacer models the per-IP bucket of spec §10.3 (capacity N, N per 60 s, full at the start):
 * the harness sends its first N - 2 requests at once, then waits about 60/N s per request, and a
 * 429 empties the model until its Retry-After.
 */
import t from 'tap'
import { RequestPacer } from './pacer.ts'

const PER_MINUTE = 120 // 2 per second: one token every 500 ms

t.test('a full bucket lets N - 2 requests go at once, then one per 60/N s', async (t) => {
  const pacer = new RequestPacer(PER_MINUTE)
  for (let i = 0; i < PER_MINUTE - 2; i++) await pacer.take()
  t.equal(pacer.waitedMs, 0, 'no wait while the model holds tokens')
  const started = performance.now()
  await pacer.take()
  const waited = performance.now() - started
  t.ok(pacer.waitedMs >= 400 && pacer.waitedMs <= 510, `waited ${pacer.waitedMs} ms for a token`)
  t.ok(waited >= 390, `and really slept (${waited.toFixed(0)} ms)`)
})

t.test('spend counts without waiting; the next take pays for it', async (t) => {
  const pacer = new RequestPacer(PER_MINUTE)
  for (let i = 0; i < PER_MINUTE - 1; i++) pacer.spend()
  t.equal(pacer.waitedMs, 0)
  await pacer.take()
  t.ok(pacer.waitedMs >= 900 && pacer.waitedMs <= 1010, `waited ${pacer.waitedMs} ms for 2 tokens`)
})

t.test('a 429 waits out Retry-After and leaves the model empty', async (t) => {
  const pacer = new RequestPacer(PER_MINUTE)
  const started = performance.now()
  await pacer.refused(1)
  t.ok(performance.now() - started >= 990, 'slept the Retry-After')
  t.equal(pacer.waitedMs, 1000)
  await pacer.take()
  t.ok(pacer.waitedMs > 1000, 'the model refills from empty')
})
