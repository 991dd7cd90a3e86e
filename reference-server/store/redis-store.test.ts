import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import t, { type Test } from 'tap'
import { clientRecord, nextRemoval, removalsHeard, storeContract } from './fixtures/contract.ts'
import { startRedisServer, type RedisServer } from './fixtures/redis-server.ts'
import { openStore } from './index.ts'
import { openRedisStore, type RedisStoreOptions } from './redis-store.ts'
import { StoreUnavailableError, type Store } from './store.ts'

const server = await startRedisServer(t)

/** A store on the test server; its own key prefix unless one is given, closed at teardown. */
async function open(t: Test, options: Partial<RedisStoreOptions> = {}): Promise<Store> {
  const prefix = `test-${randomUUID()}:`
  const store = await openRedisStore({ url: server.url, prefix, ...options })
  t.teardown(() => store.close())
  return store
}

/** Two nodes: two stores sharing one Redis and one prefix. */
async function twoNodes(t: Test, server: RedisServer, timeoutMs?: number): Promise<[Store, Store]> {
  const prefix = `test-${randomUUID()}:`
  const options = { url: server.url, prefix, ...(timeoutMs === undefined ? {} : { timeoutMs }) }
  const nodes = [await openRedisStore(options), await openRedisStore(options)] as const
  t.teardown(() => Promise.all(nodes.map((node) => node.close())))
  return [nodes[0], nodes[1]]
}

t.test('redis store: the store contract', async (t) => {
  storeContract(t, (t) => open(t))
})

t.test('two nodes on one Redis share claims, tickets and clients', async (t) => {
  const [a, b] = await twoNodes(t, server)
  t.equal(await a.claim('nonce:1', 5_000), true)
  t.equal(await b.claim('nonce:1', 5_000), false, 'replayed to the other node: refused')
  const record = clientRecord()
  await a.putClient(record)
  t.same(await b.getClient(record.client_id), record)
  await b.putTicket('ticket', record.client_id, 5_000)
  const taken = await Promise.all([a.takeTicket('ticket'), b.takeTicket('ticket')])
  t.same(taken.filter((id) => id !== undefined), [record.client_id], 'one session, one node')
})

t.test('a removal on one node reaches both nodes within 1 s, once each', async (t) => {
  const [a, b] = await twoNodes(t, server)
  const record = clientRecord()
  await a.putClient(record)
  const heardA = removalsHeard(a, 400)
  const heardB = removalsHeard(b, 400)
  const nextB = nextRemoval(b, 1_000)
  t.equal(await a.removeClient(record.client_id), true)
  t.equal(await nextB, record.client_id)
  t.same([await heardA, await heardB], [[record.client_id], [record.client_id]])
  t.equal(await b.getClient(record.client_id), undefined)
})

t.test('stores with other prefixes or databases do not meet', async (t) => {
  const [a, b] = [await open(t), await open(t)]
  t.equal(await a.claim('nonce:same', 5_000), true)
  t.equal(await b.claim('nonce:same', 5_000), true)
  const prefix = `test-${randomUUID()}:`
  const db0 = await openStore(`${server.url}/0?prefix=${prefix}`)
  const db2 = await openStore(`${server.url}/2?prefix=${prefix}`)
  t.teardown(() => Promise.all([db0.close(), db2.close()]))
  t.equal(await db0.claim('nonce:same', 5_000), true)
  t.equal(await db2.claim('nonce:same', 5_000), true)
  t.equal(await db2.claim('nonce:same', 5_000), false)
})

t.test('messages on the removal channel that are not removal events are ignored', async (t) => {
  const prefix = `test-${randomUUID()}:`
  const store = await open(t, { prefix })
  const raw = createClient({ url: server.url })
  await raw.connect()
  t.teardown(() => raw.close())
  const heard = removalsHeard(store, 300)
  for (const junk of ['not json', '{"origin":"x"}', '{"client_id":7}']) {
    await raw.publish(`${prefix}client-removed`, junk)
  }
  await raw.publish(`${prefix}client-removed`, '{"origin":"other node","client_id":"pwc_x"}')
  t.same(await heard, ['pwc_x'])
})

t.test('an unreachable Redis at open is StoreUnavailableError, quickly', async (t) => {
  const dead = await startRedisServer(t)
  await dead.kill()
  const started = Date.now()
  await t.rejects(openRedisStore({ url: dead.url, openTimeoutMs: 300 }), StoreUnavailableError)
  t.ok(Date.now() - started < 1_000)
})
