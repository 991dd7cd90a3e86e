// Checks spec requirements: pw-reg-9.5-durable, pw-reg-9.5-secret-files
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { temporaryPathOf } from './atomic-file.ts'
import { clientRecord, sleep, storeContract } from './fixtures/contract.ts'
import { StoreFileError, parseSnapshot } from './file-format.ts'
import { openFileStore, type FileStoreOptions } from './file-store.ts'
import { StoreUnavailableError, type Store } from './store.ts'

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-file-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function openAt(t: Test, path: string, options: FileStoreOptions = {}): Promise<Store> {
  const store = await openFileStore(path, options)
  t.teardown(() => store.close())
  return store
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777

t.test('file store: the store contract', async (t) => {
  storeContract(t, async (t) => openAt(t, join(await tempDir(t), 'store.json')))
})

t.test('a missing file is an empty store; a missing directory is made mode 0700', async (t) => {
  const path = join(await tempDir(t), 'state', 'store.json')
  const store = await openAt(t, path)
  t.same(await store.listClients(), [])
  t.equal(await modeOf(join(path, '..')), 0o700)
  await store.putClient(clientRecord())
  t.equal(await modeOf(path), 0o600, 'the file holds pairing keys: owner only')
})

t.test('clients, claims and tickets survive a restart within their ttl', async (t) => {
  const path = join(await tempDir(t), 'store.json')
  const [kept, removed] = [clientRecord(), clientRecord()]
  const first = await openFileStore(path)
  await first.putClient(kept)
  await first.putClient(removed)
  await first.claim('nonce:used', 5_000)
  await first.claim('nonce:short', 50)
  await first.putTicket('ticket-live', kept.client_id, 5_000)
  await first.putTicket('ticket-taken', kept.client_id, 5_000)
  await first.takeTicket('ticket-taken')
  await first.removeClient(removed.client_id)
  await first.close()
  await sleep(80)
  const second = await openAt(t, path)
  t.same(await second.listClients(), [kept])
  t.equal(await second.claim('nonce:used', 5_000), false, 'a nonce used before the restart')
  t.equal(await second.claim('nonce:short', 5_000), true, 'a claim that expired meanwhile')
  t.equal(await second.takeTicket('ticket-taken'), undefined, 'a ticket taken before the restart')
  t.equal(await second.takeTicket('ticket-live'), kept.client_id)
})

t.test('every write replaces the file by rename: new inode, no temporary file left', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'store.json')
  const store = await openAt(t, path)
  await store.putClient(clientRecord())
  const before = await stat(path)
  await store.putClient(clientRecord())
  const after = await stat(path)
  t.not(after.ino, before.ino, 'a new file took the name: the old one was never rewritten')
  t.same(await readdir(dir), ['store.json'])
  t.equal(parseSnapshot(await readFile(path, 'utf8')).clients.length, 2)
})

t.test('50 concurrent changes each resolve only once they are on disk', async (t) => {
  const path = join(await tempDir(t), 'store.json')
  const store = await openAt(t, path)
  const records = Array.from({ length: 50 }, () => clientRecord())
  await Promise.all(
    records.map(async (record) => {
      await store.putClient(record)
      const onDisk = parseSnapshot(await readFile(path, 'utf8')).clients
      t.ok(onDisk.some((r) => r.client_id === record.client_id), `${record.client_id} on disk`)
    }),
  )
})

t.test('a stale temporary file and a file readable by others are repaired at open', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'store.json')
  const record = clientRecord()
  const seeded = await openFileStore(path)
  await seeded.putClient(record)
  await seeded.close()
  await writeFile(temporaryPathOf(path), '{"torn', { mode: 0o644 })
  await chmod(path, 0o644)
  const store = await openAt(t, path)
  t.equal(await modeOf(path), 0o600)
  t.same(await store.listClients(), [record])
  await store.putClient(clientRecord())
  t.same(await readdir(dir), ['store.json'])
  t.equal(await modeOf(path), 0o600)
})

t.test('a corrupt or foreign file stops the open, naming the path', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'store.json')
  const bad = {
    'torn JSON': '{"pairwire_store":1,"clients":[',
    'not an object': '[]',
    'another version': '{"pairwire_store":2,"clients":[],"claims":[],"tickets":[]}',
    'a missing list': '{"pairwire_store":1,"clients":[],"claims":[]}',
    'a list that is not one': '{"pairwire_store":1,"clients":{},"claims":[],"tickets":[]}',
    'a client without its key':
      '{"pairwire_store":1,"clients":[{"client_id":"x","client_key":"k","name":"n",' +
      '"paired_at":1}],"claims":[],"tickets":[]}',
    'a claim with a text expiry':
      '{"pairwire_store":1,"clients":[],"claims":[{"key":"k","expires_at_ms":"1"}],"tickets":[]}',
  }
  for (const [what, text] of Object.entries(bad)) {
    await writeFile(path, text)
    await t.rejects(openFileStore(path), { name: 'StoreFileError', message: path }, what)
    t.equal(await readFile(path, 'utf8'), text, `${what}: the file is left as it was`)
  }
  t.ok(new StoreFileError('x') instanceof Error)
})

t.test('a failed write rejects with StoreUnavailableError; the next one succeeds', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'store.json')
  const store = await openAt(t, path)
  // A directory where the temporary file goes makes open(2) fail even for root.
  await mkdir(temporaryPathOf(path))
  await t.rejects(store.putClient(clientRecord()), StoreUnavailableError)
  await t.rejects(store.claim('nonce:x', 5_000), StoreUnavailableError)
  await rm(temporaryPathOf(path), { recursive: true })
  await store.putClient(clientRecord())
  const onDisk = parseSnapshot(await readFile(path, 'utf8'))
  t.equal(onDisk.clients.length, 2, 'the failed change went out with the next write')
  t.same(onDisk.claims.map((claim) => claim.key), ['nonce:x'])
})

t.test('ping fails with StoreUnavailableError when the directory is gone', async (t) => {
  const dir = await tempDir(t)
  const store = await openAt(t, join(dir, 'state', 'store.json'))
  await t.resolves(store.ping())
  await rm(join(dir, 'state'), { recursive: true })
  await t.rejects(store.ping(), StoreUnavailableError)
})

t.test('an unreadable path is reported as it is, not as an empty store', async (t) => {
  const dir = await tempDir(t)
  await mkdir(join(dir, 'store.json'))
  await t.rejects(openFileStore(join(dir, 'store.json')), { code: 'EISDIR' })
})
