/**
 * Spec §13.4: the Redis store reads appendonly / appendfsync at open; without both (yes, always)
 * it warns, or refuses with durability=require. Needs redis-server (never skipped).
 */
import t from 'tap'
import { startRedisServer } from './fixtures/redis-server.ts'
import { openStore, StoreDurabilityError, StoreSpecError } from './index.ts'
import { openRedisStore } from './redis-store.ts'

t.test('no append-only file: a warning at open, or a refusal when required', async (t) => {
  const redis = await startRedisServer(t)
  const warnings: string[] = []
  const store = await openRedisStore({ url: redis.url, onNotDurable: (m) => void warnings.push(m) })
  await store.close()
  t.equal(warnings.length, 1, 'one warning at open')
  t.match(warnings[0], /appendonly no, appendfsync \w+.*appendonly yes and appendfsync always/)
  await t.rejects(openRedisStore({ url: redis.url, durability: 'require' }), StoreDurabilityError)
  const required = openStore(`${redis.url}?durability=require`)
  await t.rejects(required, StoreDurabilityError, 'from the store spec')
  await t.rejects(openStore(`${redis.url}?durability=maybe`), StoreSpecError)
})

t.test('appendonly yes, appendfsync always: no warning, even when required', async (t) => {
  const redis = await startRedisServer(t, { durable: true })
  const warnings: string[] = []
  const store = await openRedisStore({
    url: redis.url,
    durability: 'require',
    onNotDurable: (m) => void warnings.push(m),
  })
  await store.close()
  t.same(warnings, [])
})
