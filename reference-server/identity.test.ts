// Checks spec requirements: pw-reg-9.5-secret-files
import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { availableBackends } from '../protocol/crypto/index.ts'
import { base64urlDecode } from '../protocol/encoding.ts'
import { deviceIdOf, isWellFormedId } from '../protocol/ids.ts'
import { DEVICE_KEY_FILE, loadIdentity } from './identity.ts'

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-id-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('the first start creates a 0600 key file; later starts load the same key', async (t) => {
  for (const backend of await availableBackends()) {
    const dir = join(tempDir(t), 'state')
    const first = loadIdentity(dir, 'dev', backend)
    const path = join(dir, DEVICE_KEY_FILE)
    t.equal(statSync(path).mode & 0o777, 0o600, `${backend.name}: key file mode`)
    t.equal(statSync(dir).mode & 0o777, 0o700, `${backend.name}: state dir mode`)
    const stored = JSON.parse(readFileSync(path, 'utf8'))
    t.same(base64urlDecode(stored.seed, 32), first.seed)
    const second = loadIdentity(dir, 'renamed', backend)
    t.same(second.publicKey, first.publicKey)
    t.equal(second.deviceId, first.deviceId)
    t.equal(second.name, 'renamed')
    t.equal(first.deviceId, deviceIdOf(first.publicKey, backend))
    t.ok(isWellFormedId('device', first.deviceId))
  }
})

t.test('a key file readable by others is tightened to 0600', async (t) => {
  const dir = tempDir(t)
  loadIdentity(dir, 'dev')
  const path = join(dir, DEVICE_KEY_FILE)
  chmodSync(path, 0o644)
  loadIdentity(dir, 'dev')
  t.equal(statSync(path).mode & 0o777, 0o600)
})

t.test('a corrupt key file is refused, never replaced', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, DEVICE_KEY_FILE)
  writeFileSync(path, '{"v":1}', { mode: 0o600 })
  t.throws(() => loadIdentity(dir, 'dev'), /no "seed"/)
  writeFileSync(path, '{"v":1,"seed":"AAAA"}')
  t.throws(() => loadIdentity(dir, 'dev'), { code: 'invalid-length' })
  t.equal(readFileSync(path, 'utf8'), '{"v":1,"seed":"AAAA"}', 'the file is left for the operator')
})

t.test('without a state dir the key is ephemeral', async (t) => {
  const a = loadIdentity(null, 'dev')
  const b = loadIdentity(null, 'dev')
  t.not(a.deviceId, b.deviceId)
})
