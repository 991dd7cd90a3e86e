// Checks spec requirements: pw-reg-9.5-durable, pw-reg-9.5-secret-files
/**
 * The file store under `kill -9`: a child (fixtures/crash-writer.ts) changes the store as fast as
 * it can and is killed with SIGKILL at a random moment, 20 times over two files. After every kill
 * the file must parse, be mode 0600, and hold every change the child saw resolve.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { temporaryPathOf } from './atomic-file.ts'
import { parseSnapshot } from './file-format.ts'
import { openFileStore } from './file-store.ts'

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const KILLS_PER_FILE = 10

/** Runs the writer until a random moment after it is ready, kills it, returns what it printed. */
function runAndKill(path: string, run: string): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', WRITER, path, run], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    if (output === '' && chunk.startsWith('ready')) {
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 150)
    }
    output += chunk
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(output.split('\n').filter((line) => line !== ''))
      else reject(new Error(`the writer ended by itself (code ${code}): ${output.slice(-500)}`))
    })
  })
}

function acknowledged(lines: string[], verb: string): Set<string> {
  const prefix = `${verb} `
  return new Set(lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)))
}

async function killRepeatedly(t: Test, path: string, lane: number): Promise<void> {
  const seen = {
    put: new Set<string>(),
    removing: new Set<string>(),
    removed: new Set<string>(),
    claimed: new Set<string>(),
  }
  const { put, removing, removed, claimed } = seen
  for (let kill = 0; kill < KILLS_PER_FILE; kill += 1) {
    const lines = await runAndKill(path, `${lane}-${kill}`)
    for (const [verb, into] of Object.entries(seen)) {
      for (const item of acknowledged(lines, verb)) into.add(item)
    }
    // The first writer may die before its first write: then there is no file yet.
    if (put.size === 0) continue
    t.equal((await stat(path)).mode & 0o777, 0o600, `kill ${kill}: mode 0600`)
    const snapshot = parseSnapshot(await readFile(path, 'utf8'))
    const onDisk = new Set(snapshot.clients.map((record) => record.client_id))
    const lost = [...put].filter((id) => !removing.has(id) && !onDisk.has(id))
    const revived = [...removed].filter((id) => onDisk.has(id))
    const keys = new Set(snapshot.claims.map((claim) => claim.key))
    const forgotten = [...claimed].filter((key) => !keys.has(key))
    t.same({ lost, revived, forgotten }, { lost: [], revived: [], forgotten: [] }, `kill ${kill}`)
  }
  const reopened = await openFileStore(path)
  t.ok((await reopened.listClients()).length > 0, 'the store opens after the last kill')
  await reopened.close()
  t.ok(put.size > KILLS_PER_FILE, `${put.size} acknowledged clients were checked`)
}

t.test('kill -9 at random moments never loses an acknowledged change', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-crash-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const paths = [join(dir, 'a', 'store.json'), join(dir, 'b', 'store.json')]
  await Promise.all(paths.map((path, lane) => killRepeatedly(t, path, lane)))
  for (const path of paths) {
    const left = (await readdir(join(path, '..'))).filter((name) => name !== 'store.json')
    t.ok(left.every((name) => join(path, '..', name) === temporaryPathOf(path)), 'no other files')
  }
})
