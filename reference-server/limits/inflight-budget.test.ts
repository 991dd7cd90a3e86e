import t from 'tap'
import { InflightBudget } from './inflight-budget.ts'

t.test('reservations add up to the budget and no further', async (t) => {
  const budget = new InflightBudget(100)
  const first = budget.reserve(60)
  t.ok(first, '60 of 100')
  t.equal(budget.reserve(41), undefined, '60 + 41 > 100 is refused')
  const second = budget.reserve(40)
  t.ok(second, '60 + 40 = 100 fits exactly')
  t.equal(budget.used, 100)
  first!()
  t.equal(budget.used, 40, 'release returns the bytes')
  t.ok(budget.reserve(60))
})

t.test('releasing twice returns the bytes once', async (t) => {
  const budget = new InflightBudget(10)
  const release = budget.reserve(10)!
  release()
  release()
  t.equal(budget.used, 0)
  t.ok(budget.reserve(10))
  t.equal(budget.reserve(1), undefined)
})
