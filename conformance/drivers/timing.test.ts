import t from 'tap'
import { judgeTiming, type TimedPair } from './timing.ts'

function pairs(n: number, probe: (i: number) => number, reference: (i: number) => number): TimedPair[] {
  return Array.from({ length: n }, (_, i) => ({ probe: probe(i), reference: reference(i) }))
}

t.test('a probe consistently 40% faster leaks', async (t) => {
  const verdict = judgeTiming(pairs(32, (i) => 5 + (i % 3), (i) => 9 + (i % 3)))
  t.equal(verdict.leaks, true)
  t.equal(verdict.probeFaster, 32)
})

t.test('a probe 40% slower leaks too', async (t) => {
  t.equal(judgeTiming(pairs(32, () => 14, () => 10)).leaks, true)
})

t.test('the same work under heavy stalls does not leak', async (t) => {
  // Stalls of 20 ms hit one member or the other in 40% of the pairs, as on a loaded machine.
  let state = 7
  const stall = () => ((state = (state * 48271) % 2147483647) % 100 < 20 ? 20 : 0)
  const verdict = judgeTiming(pairs(32, () => 8 + stall(), () => 8.1 + stall()))
  t.equal(verdict.leaks, false, `median ratio ${verdict.medianRatio}`)
})

t.test('a consistent difference inside the tolerance does not leak', async (t) => {
  const verdict = judgeTiming(pairs(32, () => 9, () => 10))
  t.equal(verdict.probeFaster, 32)
  t.equal(verdict.leaks, false, 'the 10% effect is inside the tolerance')
})

t.test('no pairs is no evidence', async (t) => {
  t.equal(judgeTiming([]).leaks, false)
})
