import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { clientRecord } from './fixtures/contract.ts'
import { STORE_SPECS, StoreSpecError, openStore } from './index.ts'
import { MemoryStore } from './memory-store.ts'

t.test('"memory" opens a memory store', async (t) => {
  const store = await openStore('memory')
  t.teardown(() => store.close())
  t.ok(store instanceof MemoryStore)
})

t.test('"file:PATH" opens a file store at PATH', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-spec-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'store.json')
  const store = await openStore(`file:${path}`)
  await store.putClient(clientRecord())
  await store.close()
  t.equal((await stat(path)).mode & 0o777, 0o600)
})

t.test('a spec that names no store is a StoreSpecError listing the valid ones', async (t) => {
  const specs = ['', 'memory:', 'file:', 'files:/x', 'redis:/x', 'redis://host/db1', 'http://x']
  for (const spec of specs) {
    await t.rejects(openStore(spec), { name: 'StoreSpecError', message: STORE_SPECS }, spec)
  }
  await t.rejects(openStore('redis://[bad'), StoreSpecError, 'not a URL')
})
