/**
 * The two signature algorithms of the Pairwire profile, from the RFC 9421 §6.2 registry:
 * `ed25519` (§3.3.6, RFC 8032 Ed25519 over the signature base) and `hmac-sha256` (§3.3.3,
 * HMAC-SHA256 keyed with a shared secret). Primitives come from the CryptoBackend; the HMAC check
 * is constant-time. Every failure is a ProtocolError: 'unsupported-algorithm' for any other alg,
 * 'invalid-key' for a key the algorithm cannot use, 'signature-invalid' for a bad signature.
 */
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { constantTimeEqual } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'

export const SIGNATURE_ALGORITHMS = ['ed25519', 'hmac-sha256'] as const
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number]

export function isSignatureAlgorithm(alg: unknown): alg is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly unknown[]).includes(alg)
}

function checkAlgorithm(alg: string): asserts alg is SignatureAlgorithm {
  if (!isSignatureAlgorithm(alg)) throw new ProtocolError('unsupported-algorithm', alg)
}

// §3.3.3 leaves the secret length to the application; an empty secret is always a mistake.
function hmacSecret(key: Uint8Array): Uint8Array {
  if (key.length === 0) throw new ProtocolError('invalid-key', 'empty HMAC secret')
  return key
}

/**
 * §3.3.6 / §3.3.3 signing: `key` is the 32-byte Ed25519 seed (RFC 8032 §5.1.5) or the HMAC
 * secret. Both algorithms are deterministic.
 */
export function signSignatureBase(
  alg: string,
  key: Uint8Array,
  base: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): Uint8Array {
  checkAlgorithm(alg)
  if (alg === 'hmac-sha256') return backend.hmacSha256(hmacSecret(key), base)
  try {
    return backend.ed25519Sign(key, base)
  } catch {
    throw new ProtocolError('invalid-key', 'Ed25519 seed must be 32 bytes')
  }
}

/**
 * §3.3.6 / §3.3.3 verification: `key` is the 32-byte Ed25519 public key or the HMAC secret.
 * Throws 'signature-invalid' unless the signature verifies.
 */
export function verifySignatureBase(
  alg: string,
  key: Uint8Array,
  base: Uint8Array,
  signature: Uint8Array,
  backend: CryptoBackend = defaultBackend,
): void {
  checkAlgorithm(alg)
  const valid =
    alg === 'hmac-sha256'
      ? constantTimeEqual(backend.hmacSha256(hmacSecret(key), base), signature)
      : backend.ed25519Verify(key, base, signature)
  if (!valid) throw new ProtocolError('signature-invalid')
}
