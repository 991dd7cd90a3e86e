/**
 * The credentials a paired client keeps (spec §5.6): the device it paired with, its own Ed25519
 * seed and the pairing key, as one JSON object. Two members are secrets, client_seed and
 * pairing_key; `publicCredentials` is the object without them, the only form ever printed.
 * `parseCredentials` checks a stored object completely, including that both ids are the
 * fingerprints of their keys (spec §3.2), so a damaged file fails early and clearly.
 */
import { defaultBackend, type CryptoBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode } from '../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../protocol/ids.ts'
import { PROTOCOL_VERSION, SIZES } from '../protocol/registry.ts'
import { ClientError } from './errors.ts'
import { deviceOrigin } from './urls.ts'

export interface Credentials {
  readonly v: typeof PROTOCOL_VERSION
  /** The device's origin, e.g. http://127.0.0.1:8080. */
  readonly url: string
  readonly device_id: string
  /** The device's Ed25519 public key, base64url. */
  readonly device_key: string
  readonly client_id: string
  /** Secret: the client's 32-byte Ed25519 seed, base64url. */
  readonly client_seed: string
  /** Secret: the 32-byte pairing key, base64url. */
  readonly pairing_key: string
  /** The client_name sent at pairing. */
  readonly name: string
  /** Seconds since the epoch. */
  readonly paired_at: number
}

export type PublicCredentials = Omit<Credentials, 'client_seed' | 'pairing_key'>

const MEMBERS = [
  'v',
  'url',
  'device_id',
  'device_key',
  'client_id',
  'client_seed',
  'pairing_key',
  'name',
  'paired_at',
] as const

export function publicCredentials(credentials: Credentials): PublicCredentials {
  const { client_seed: _seed, pairing_key: _key, ...rest } = credentials
  return rest
}

/** The decoded key material of a set of credentials. */
export interface CredentialKeys {
  readonly seed: Uint8Array
  readonly clientKey: Uint8Array
  readonly deviceKey: Uint8Array
  readonly pairingKey: Uint8Array
}

export function credentialKeys(
  credentials: Credentials,
  backend: CryptoBackend = defaultBackend,
): CredentialKeys {
  try {
    const seed = base64urlDecode(credentials.client_seed, SIZES.ed25519PublicKey)
    return {
      seed,
      clientKey: backend.ed25519PublicKey(seed),
      deviceKey: base64urlDecode(credentials.device_key, SIZES.ed25519PublicKey),
      pairingKey: base64urlDecode(credentials.pairing_key, SIZES.pairingKey),
    }
  } catch {
    throw invalidCredentials()
  }
}

const invalidCredentials = () => ClientError.usage('the credentials are invalid')

/** The two secrets a signed request or a session uses (spec §7.3, §8.3). */
export interface SecretKeys {
  readonly seed: Uint8Array
  readonly pairingKey: Uint8Array
}

interface Decoded {
  readonly clientSeed: string
  readonly pairingKey: string
  readonly keys: SecretKeys
}

const decodedOf = new WeakMap<Credentials, Decoded>()

/**
 * The seed and pairing key of `credentials`, decoded once per credentials object for the
 * library's own use (never handed to callers, who get fresh copies from credentialKeys). Reusing
 * the same seed bytes lets the node backend reuse its imported Ed25519 KeyObject: decoding and
 * deriving afresh cost ~130 µs of client CPU per signed request (bench signed-http-memory, Node
 * 20). The entry remembers the encoded values it came from, so a changed object is decoded again.
 */
export function secretKeys(credentials: Credentials): SecretKeys {
  const { client_seed: clientSeed, pairing_key: pairingKey } = credentials
  const hit = decodedOf.get(credentials)
  // Not a secret check against anyone's input: both sides are this object's own values.
  if (hit?.clientSeed === clientSeed && hit.pairingKey === pairingKey) return hit.keys
  let keys: SecretKeys
  try {
    keys = {
      seed: base64urlDecode(clientSeed, SIZES.ed25519PublicKey),
      pairingKey: base64urlDecode(pairingKey, SIZES.pairingKey),
    }
  } catch {
    throw invalidCredentials()
  }
  decodedOf.set(credentials, { clientSeed, pairingKey, keys })
  return keys
}

function isCredentialsShape(value: unknown): value is Credentials {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const record = value as Record<string, unknown>
  const strings = MEMBERS.filter((m) => m !== 'v' && m !== 'paired_at')
  return (
    Object.keys(record).every((key) => (MEMBERS as readonly string[]).includes(key)) &&
    record.v === PROTOCOL_VERSION &&
    Number.isSafeInteger(record.paired_at) &&
    strings.every((member) => typeof record[member] === 'string')
  )
}

/** Checks a stored credentials object; a usage ClientError (never naming a secret) otherwise. */
export function parseCredentials(
  value: unknown,
  backend: CryptoBackend = defaultBackend,
): Credentials {
  if (!isCredentialsShape(value)) throw invalidCredentials()
  const keys = credentialKeys(value, backend)
  let origin: string
  try {
    origin = deviceOrigin(value.url)
  } catch {
    throw invalidCredentials()
  }
  const consistent =
    value.url === origin &&
    clientIdOf(keys.clientKey, backend) === value.client_id &&
    deviceIdOf(keys.deviceKey, backend) === value.device_id
  if (!consistent) throw invalidCredentials()
  return value
}
