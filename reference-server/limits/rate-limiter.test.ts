import t from 'tap'
import { RateLimiter } from './rate-limiter.ts'

function clockAt(start = 0) {
  const clock = { ms: start, nowMs: () => clock.ms }
  return clock
}

t.test('a bucket allows perMinute requests at once, then refuses with Retry-After', async (t) => {
  const clock = clockAt()
  const limiter = new RateLimiter(3, { nowMs: clock.nowMs })
  for (let i = 0; i < 3; i++) t.same(limiter.take('a'), { allowed: true }, `request ${i + 1}`)
  // 3 per minute: one token comes back every 20 s.
  t.same(limiter.take('a'), { allowed: false, retryAfter: 20 })
  clock.ms += 15_000
  t.same(limiter.take('a'), { allowed: false, retryAfter: 5 }, 'refusals do not spend tokens')
  clock.ms += 5_000
  t.same(limiter.take('a'), { allowed: true }, 'a token is back after 20 s')
})

t.test('keys have separate buckets', async (t) => {
  const limiter = new RateLimiter(1, { nowMs: clockAt().nowMs })
  t.ok(limiter.take('a').allowed)
  t.notOk(limiter.take('a').allowed)
  t.ok(limiter.take('b').allowed, 'b is not limited by a')
})

t.test('Retry-After is at least one second', async (t) => {
  const clock = clockAt()
  const limiter = new RateLimiter(6000, { nowMs: clock.nowMs })
  for (let i = 0; i < 6000; i++) limiter.take('a')
  t.same(limiter.take('a'), { allowed: false, retryAfter: 1 })
})

t.test('idle buckets are dropped; memory stays bounded under many keys', async (t) => {
  const clock = clockAt()
  const limiter = new RateLimiter(10, { nowMs: clock.nowMs, maxBuckets: 100 })
  for (let i = 0; i < 50; i++) limiter.take(`ip-${i}`)
  t.equal(limiter.size, 50)
  clock.ms += 60_000
  limiter.take('late')
  t.equal(limiter.size, 1, 'buckets idle for a minute are full again, so dropped')
  for (let i = 0; i < 1000; i++) limiter.take(`flood-${i}`)
  t.equal(limiter.size, 100, 'never more than maxBuckets')
})

t.test('eviction drops the least recently used bucket first', async (t) => {
  const clock = clockAt()
  const limiter = new RateLimiter(1, { nowMs: clock.nowMs, maxBuckets: 2 })
  limiter.take('a')
  limiter.take('b')
  limiter.take('a')
  limiter.take('c')
  t.notOk(limiter.take('a').allowed, 'a was used recently and kept its empty bucket')
  t.ok(limiter.take('b').allowed, 'b was evicted and starts again from a full bucket')
})
