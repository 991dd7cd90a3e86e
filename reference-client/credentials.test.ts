import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode } from '../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../protocol/ids.ts'
import { readCredentialsFile, writeCredentialsFile } from './credentials-file.ts'
import {
  credentialKeys,
  parseCredentials,
  publicCredentials,
  secretKeys,
  type Credentials,
} from './credentials.ts'
import { ClientError } from './errors.ts'

function sample(): Credentials {
  const seed = defaultBackend.randomBytes(32)
  const deviceKey = defaultBackend.ed25519PublicKey(defaultBackend.randomBytes(32))
  return {
    v: 1,
    url: 'http://127.0.0.1:8080',
    device_id: deviceIdOf(deviceKey),
    device_key: base64urlEncode(deviceKey),
    client_id: clientIdOf(defaultBackend.ed25519PublicKey(seed)),
    client_seed: base64urlEncode(seed),
    pairing_key: base64urlEncode(defaultBackend.randomBytes(32)),
    name: 'sample',
    paired_at: 1_700_000_000,
  }
}

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwire-client-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('valid credentials parse to themselves and decode to their keys', async (t) => {
  const credentials = sample()
  t.same(parseCredentials(JSON.parse(JSON.stringify(credentials))), credentials)
  const keys = credentialKeys(credentials)
  t.equal(clientIdOf(keys.clientKey), credentials.client_id)
  t.equal(keys.pairingKey.length, 32)
})

t.test('damaged credentials are a usage error that names no secret', async (t) => {
  const good = sample()
  const other = sample()
  const damaged: unknown[] = [
    null, [], 'text',
    { ...good, v: 2 },
    { ...good, extra: 1 },
    { ...good, paired_at: 1.5 },
    { ...good, name: 3 },
    { ...good, client_id: other.client_id },
    { ...good, device_id: other.device_id },
    { ...good, client_seed: other.client_seed },
    { ...good, device_key: other.device_key },
    { ...good, pairing_key: 'AAAA' },
    { ...good, client_seed: good.client_seed + '=' },
    { ...good, url: 'http://127.0.0.1:8080/path' },
    { ...good, url: 'not a url' },
  ]
  for (const value of damaged) {
    t.throws(() => parseCredentials(value), ClientError)
    try {
      parseCredentials(value)
    } catch (error) {
      t.equal((error as ClientError).kind, 'usage')
      t.notMatch((error as Error).message, good.client_seed)
    }
  }
})

t.test('secret keys are decoded once per credentials object, again if it changed', async (t) => {
  const credentials = sample()
  const keys = secretKeys(credentials)
  t.same(keys.seed, credentialKeys(credentials).seed)
  t.same(keys.pairingKey, credentialKeys(credentials).pairingKey)
  t.equal(secretKeys(credentials), keys, 'the same bytes, so an imported key can be reused')
  t.not(secretKeys({ ...credentials }), keys, 'another object is decoded on its own')
  const other = sample()
  const changed = { ...credentials }
  secretKeys(changed)
  Object.assign(changed, { pairing_key: other.pairing_key })
  t.same(secretKeys(changed).pairingKey, credentialKeys(other).pairingKey)
  t.throws(() => secretKeys({ ...credentials, client_seed: 'AAAA' }), ClientError)
})

t.test('the public form drops exactly the two secrets', async (t) => {
  const credentials = sample()
  const shown = publicCredentials(credentials)
  const members = ['client_id', 'device_id', 'device_key', 'name', 'paired_at', 'url', 'v']
  t.same(Object.keys(shown).sort(), members)
  t.notMatch(JSON.stringify(shown), credentials.client_seed)
  t.notMatch(JSON.stringify(shown), credentials.pairing_key)
})

t.test('the credentials file is written 0600 through a rename and reads back', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'creds.json')
  const first = sample()
  await writeCredentialsFile(path, first)
  t.equal((await stat(path)).mode & 0o777, 0o600)
  t.same(await readCredentialsFile(path), first)
  const second = sample()
  await writeFile(path, 'old', { mode: 0o644 })
  await writeCredentialsFile(path, second)
  t.equal((await stat(path)).mode & 0o777, 0o600, 'a replaced file gets the mode too')
  t.same(JSON.parse(await readFile(path, 'utf8')), second)
  t.same(await readdir(dir), ['creds.json'], 'no temporary file is left')
})

t.test('unreadable, non-JSON and unwritable files are usage errors', async (t) => {
  const dir = await tempDir(t)
  const missing = readCredentialsFile(join(dir, 'missing.json'))
  await t.rejects(missing, { kind: 'usage', message: /cannot be read/ })
  await writeFile(join(dir, 'bad.json'), '{')
  const notJson = readCredentialsFile(join(dir, 'bad.json'))
  await t.rejects(notJson, { kind: 'usage', message: /not JSON/ })
  const unwritable = writeCredentialsFile(join(dir, 'no-such-dir', 'creds.json'), sample())
  await t.rejects(unwritable, { kind: 'usage', message: /cannot be written/ })
})
