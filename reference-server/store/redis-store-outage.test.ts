/**
 * The Redis store fails closed and recovers: with the server killed every operation rejects with
 * StoreUnavailableError within ~1.5 s (nothing hangs, nothing throws unhandled); with the server
 * frozen, calls time out; once it is back, operations and removal events work again by themselves.
 */
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { clientRecord, nextRemoval, pendingRecord, sleep } from './fixtures/contract.ts'
import { startRedisServer } from './fixtures/redis-server.ts'
import { openRedisStore, type RedisStoreOptions } from './redis-store.ts'
import { StoreUnavailableError, type Store } from './store.ts'

const OPERATIONS: Record<string, (store: Store) => Promise<unknown>> = {
  claim: (store) => store.claim('nonce:outage', 5_000),
  putTicket: (store) => store.putTicket('ticket', 'pwc_x', 5_000),
  takeTicket: (store) => store.takeTicket('ticket'),
  putClient: (store) => store.putClient(clientRecord()),
  getClient: (store) => store.getClient('pwc_x'),
  listClients: (store) => store.listClients(),
  removeClient: (store) => store.removeClient('pwc_x'),
  ping: (store) => store.ping(),
  openWindow: (store) => store.pairing.openWindow('482915', 1_000),
  getWindow: (store) => store.pairing.getWindow(),
  closeWindow: (store) => store.pairing.closeWindow(1),
  beginAttempt: (store) => store.pairing.beginAttempt(1, 5),
  recordFailure: (store) => store.pairing.recordFailure(1, 5),
  addPairing: (store) => store.pairing.addPairing('id', pendingRecord(1, 1_000), 8, 0),
  takePairing: (store) => store.pairing.takePairing('id'),
  countPairings: (store) => store.pairing.countPairings(1, 0),
}

async function openNodes(t: Test, count: number, options: RedisStoreOptions): Promise<Store[]> {
  const nodes: Store[] = []
  for (let n = 0; n < count; n += 1) nodes.push(await openRedisStore(options))
  t.teardown(() => Promise.all(nodes.map((node) => node.close())))
  return nodes
}

async function untilReachable(store: Store, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs
  for (;;) {
    try {
      return await store.ping()
    } catch (e) {
      if (Date.now() > deadline) throw e
      await sleep(50)
    }
  }
}

/** Removes fresh clients on `from` until `to` hears one within 200 ms (its subscriber is back). */
async function untilRemovalsFlow(from: Store, to: Store, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    const record = clientRecord()
    await from.putClient(record)
    const heard = nextRemoval(to, 200).catch(() => undefined)
    await from.removeClient(record.client_id)
    if ((await heard) === record.client_id) return true
  }
  return false
}

t.test('Redis killed: every operation fails closed quickly; restarted: all works', async (t) => {
  const server = await startRedisServer(t)
  const prefix = `test-${randomUUID()}:`
  const [a, b] = (await openNodes(t, 2, { url: server.url, prefix })) as [Store, Store]
  await server.kill()
  await Promise.all(
    Object.entries(OPERATIONS).map(async ([name, run]) => {
      const started = Date.now()
      await t.rejects(run(a), StoreUnavailableError, `${name} rejects`)
      t.ok(Date.now() - started < 1_500, `${name} within 1.5 s`)
    }),
  )
  await server.start()
  await untilReachable(a, 3_000)
  await untilReachable(b, 3_000)
  t.equal(await a.claim('nonce:after', 5_000), true)
  t.equal(await b.claim('nonce:after', 5_000), false)
  const record = clientRecord()
  await a.putClient(record)
  t.same(await b.getClient(record.client_id), record)
  t.ok(await untilRemovalsFlow(a, b, 3_000), 'the other node hears removals again')
})

t.test('Redis frozen: calls time out with StoreUnavailableError, then recover', async (t) => {
  const server = await startRedisServer(t)
  const [store] = (await openNodes(t, 1, { url: server.url, timeoutMs: 300 })) as [Store]
  server.pause()
  const started = Date.now()
  await t.rejects(store.claim(`nonce:${randomUUID()}`, 5_000), StoreUnavailableError)
  await t.rejects(store.ping(), { name: 'StoreUnavailableError', message: 'timed out' })
  t.ok(Date.now() - started < 1_500, 'bounded by the timeout, not by the outage')
  server.resume()
  await untilReachable(store, 3_000)
  t.equal(await store.claim(`nonce:${randomUUID()}`, 5_000), true)
})
