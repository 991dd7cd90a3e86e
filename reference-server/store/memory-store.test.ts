import t from 'tap'
import { storeContract } from './fixtures/contract.ts'
import { MemoryStore } from './memory-store.ts'

t.test('memory store: the store contract', async (t) => {
  storeContract(t, async (t) => {
    const store = new MemoryStore()
    t.teardown(() => store.close())
    return store
  })
})

t.test('memory store: the sweep timer drops expired entries nobody touches', async (t) => {
  let now = 0
  const store = new MemoryStore({ nowMs: () => now, sweepMs: 10 })
  t.teardown(() => store.close())
  await store.claim('n:1', 100)
  now = 100
  await new Promise((done) => setTimeout(done, 30))
  now = 0
  t.equal(await store.claim('n:1', 100), true, 'the sweep forgot the claim')
})
