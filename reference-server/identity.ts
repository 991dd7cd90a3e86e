/**
 * The device's long-term Ed25519 key (spec §3.1) and its device_id (spec §3.2). The 32-byte seed
 * lives in `<stateDir>/device-key.json` as {"v": 1, "seed": base64url}, created on first start
 * with mode 0600 in a directory of mode 0700; every later start loads the same key, so the
 * device_id that clients pinned at pairing never changes. A device without a state directory
 * (tests, throw-away harness runs) gets a fresh key held in memory only.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultBackend, type CryptoBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../protocol/encoding.ts'
import { deviceIdOf } from '../protocol/ids.ts'
import { PROTOCOL_VERSION } from '../protocol/registry.ts'
import type { DeviceIdentity } from './context.ts'
import { recordSecret } from './secret-sweep.ts'

export const DEVICE_KEY_FILE = 'device-key.json'
const SEED_BYTES = 32

export function identityFromSeed(
  seed: Uint8Array,
  name: string,
  backend: CryptoBackend = defaultBackend,
): DeviceIdentity {
  recordSecret('private-key', seed)
  const publicKey = backend.ed25519PublicKey(seed)
  return { seed, publicKey, deviceId: deviceIdOf(publicKey, backend), name }
}

function readSeed(path: string): Uint8Array {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
  const seed = (parsed as { seed?: unknown } | null)?.seed
  if (typeof seed !== 'string') throw new Error(`${path}: no "seed" member`)
  return base64urlDecode(seed, SEED_BYTES)
}

function createSeed(path: string, backend: CryptoBackend): Uint8Array | undefined {
  const seed = backend.randomBytes(SEED_BYTES)
  const text = JSON.stringify({ v: PROTOCOL_VERSION, seed: base64urlEncode(seed) }) + '\n'
  try {
    // 'wx': two processes starting on one fresh state dir must not each write a different key.
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
    return seed
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw e
  }
}

/**
 * Loads the device key from `stateDir`, creating it on first start; `null` gives an ephemeral
 * key. A key file readable by group or others is tightened to 0600, since the seed is the
 * device's identity.
 */
export function loadIdentity(
  stateDir: string | null,
  name: string,
  backend: CryptoBackend = defaultBackend,
): DeviceIdentity {
  if (stateDir === null) return identityFromSeed(backend.randomBytes(SEED_BYTES), name, backend)
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  const path = join(stateDir, DEVICE_KEY_FILE)
  const seed = createSeed(path, backend) ?? readSeed(path)
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  return identityFromSeed(seed, name, backend)
}
