/**
 * Authentication of signed requests (spec §8.4), in exactly the order the spec requires:
 * 1. parse and profile-check the signature fields (no key, no clock);
 * 2. look the keyid up among paired clients (401 unknown-key) and verify the signature with the
 *    client's Ed25519 key or its HMAC secret (401 signature-invalid);
 * 3. check the time: |now − created| ≤ skew and expires ≥ now (401 clock-skew);
 * 4. claim (keyid, nonce) in the replay store for 2 × skew + 1 s (§8.8; 401 replayed-nonce).
 * So traffic that is not signed by a paired client never reaches the clock check or fills the
 * nonce store. @target-uri is rebuilt from the device's own scheme (plain HTTP on loopback) and
 * the Host field. Refusals at steps 7-10 are audited as signature.failure with the problem name
 * and the keyid only (spec §9.4): never the signature, the nonce or the key.
 */
import { hkdfSha256 } from '../../protocol/crypto/index.ts'
import { base64urlDecode, constantTimeEqual, utf8Encode } from '../../protocol/encoding.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import {
  checkSignatureTime,
  nonceTtlSeconds,
  parseSignedRequest,
  verifyParsedSignature,
  type HttpRequest,
  type ParsedSignedRequest,
} from '../../protocol/httpsig/index.ts'
import { LABELS, PROBLEMS, SIGNATURE_FAILURE_PROBLEMS, SIZES } from '../../protocol/registry.ts'
import type { ServerContext } from '../context.ts'
import { recordSecret } from '../secret-sweep.ts'
import type { ClientRecord } from '../store/store.ts'
import { HttpProblem } from './http-problem.ts'
import type { Exchange } from './router.ts'

const REQUEST_HMAC_KEY_INFO = utf8Encode(LABELS.requestHmacKeyInfo)

/** What verification reads of an exchange: an HTTP request, or a WebSocket upgrade (§7.2). */
export type SignedSource = Pick<Exchange, 'req' | 'remote'>

/** A signed request of §8, or a signed upgrade of §7.2 (which has fault switches of its own). */
export type SignedPurpose = 'request' | 'upgrade'

/** The port of the `http` scheme, which §8.4 omits from @target-uri. */
const HTTP_DEFAULT_PORT = ':80'
/** The longest claimed keyid recorded in the audit log; an id is 26 characters. */
const AUDIT_KEYID_CHARS = 64

/**
 * The request as RFC 9421 sees it. Spec §8.4: @target-uri = scheme of the connection (the
 * reference device serves plain HTTP) + the Host field lowercased without the default port +
 * the request target as received.
 */
export function signedRequestOf(ex: SignedSource, body: Uint8Array): HttpRequest {
  const { req } = ex
  const host = (req.headers.host ?? '').toLowerCase()
  const defaultPort = host.endsWith(HTTP_DEFAULT_PORT)
  const authority = defaultPort ? host.slice(0, -HTTP_DEFAULT_PORT.length) : host
  const url = `http://${authority}${req.url ?? ''}`
  return { method: req.method ?? '', url, headers: req.headers, body }
}

/** Spec §8.3: the hmac-sha256 secret is HKDF-SHA256(salt empty, IKM pairing key, info, L 32). */
export function requestHmacKey(ctx: ServerContext, pairingKey: Uint8Array): Uint8Array {
  const salt = new Uint8Array(0)
  const key = hkdfSha256(ctx.backend, pairingKey, salt, REQUEST_HMAC_KEY_INFO, SIZES.pairingKey)
  recordSecret('hmac-key', key)
  return key
}

/** Decoded client public keys by their text; cleared when it holds this many. */
const CLIENT_KEY_CACHE_SIZE = 1024
const clientKeys = new Map<string, Uint8Array>()

/**
 * A paired client's Ed25519 public key, decoded once: the same bytes let the node backend reuse
 * the key it imported, where importing it afresh on every signed request cost ~4% of the
 * device's CPU per session set-up (perf, connection-setup). Public keys only, never a secret.
 */
function clientPublicKey(client: ClientRecord): Uint8Array {
  let key = clientKeys.get(client.client_key)
  if (key === undefined) {
    if (clientKeys.size >= CLIENT_KEY_CACHE_SIZE) clientKeys.clear()
    key = base64urlDecode(client.client_key)
    clientKeys.set(client.client_key, key)
  }
  return key
}

function verificationKey(ctx: ServerContext, parsed: ParsedSignedRequest, client: ClientRecord) {
  return parsed.params.alg === 'hmac-sha256'
    ? requestHmacKey(ctx, base64urlDecode(client.pairing_key))
    : clientPublicKey(client)
}

/** Runs a protocol-core step, turning its ProtocolError into the matching problem. */
function step<T>(run: () => T): T {
  try {
    return run()
  } catch (e) {
    const entry = isProtocolError(e) ? SIGNATURE_FAILURE_PROBLEMS[e.code] : undefined
    if (entry === undefined) throw e
    throw new HttpProblem(entry)
  }
}

async function claimNonce(
  ctx: ServerContext,
  parsed: ParsedSignedRequest,
  purpose: SignedPurpose,
): Promise<void> {
  if (purpose === 'upgrade' && ctx.faults.has('signed-upgrade-no-nonce-claim')) return
  const { keyid, nonce } = parsed.params
  // Fault nonce-ttl-2-skew keeps the arithmetic before issue 21, without the rounding second.
  const { skew } = ctx.limits
  const ttl = ctx.faults.has('nonce-ttl-2-skew') ? 2 * skew : nonceTtlSeconds(skew)
  const fresh = await ctx.store.claim(`nonce:${keyid}:${nonce}`, ttl * 1000)
  if (!fresh && !ctx.faults.has('accept-reused-nonce')) {
    throw new HttpProblem(PROBLEMS.replayedNonce)
  }
}

/**
 * Fault compare-sent-signature-length: an hmac-sha256 signature is compared with as many bytes
 * of the right MAC as the client sent, so one byte forges a request in ~256 tries (§8.7).
 */
function truncatedMacMatches(ctx: ServerContext, parsed: ParsedSignedRequest, key: Uint8Array) {
  const { signature } = parsed
  if (!ctx.faults.has('compare-sent-signature-length') || parsed.params.alg !== 'hmac-sha256') return false
  const mac = ctx.backend.hmacSha256(key, parsed.signatureBase)
  return signature.length > 0 && constantTimeEqual(mac.subarray(0, signature.length), signature)
}

async function verify(
  ctx: ServerContext,
  ex: SignedSource,
  body: Uint8Array,
  seen: { keyid?: string },
  purpose: SignedPurpose,
): Promise<ClientRecord> {
  const parsed = step(() => parseSignedRequest(signedRequestOf(ex, body), ctx.backend))
  seen.keyid = parsed.params.keyid
  recordSecret('nonce', parsed.params.nonce)
  recordSecret('signature', parsed.signature)
  const client = await ctx.store.getClient(parsed.params.keyid)
  if (client === undefined) throw new HttpProblem(PROBLEMS.unknownKey)
  if (purpose === 'upgrade' && ctx.faults.has('signed-upgrade-skip-verify')) return client
  const claimFirst = ctx.faults.has('claim-nonce-before-verify')
  if (claimFirst) await claimNonce(ctx, parsed, purpose)
  const key = verificationKey(ctx, parsed, client)
  const params = truncatedMacMatches(ctx, parsed, key)
    ? parsed.params
    : step(() => verifyParsedSignature(parsed, key, ctx.backend))
  const timely = checkSignatureTime(params, ctx.now(), ctx.limits.skew)
  if (!timely && !ctx.faults.has('skip-skew-check')) {
    // Spec §8.7 {#pw-sig-8.7-clock-skew-time}: the device's time lets the client measure its offset.
    const extras = { device_time: Math.floor(ctx.now()) }
    throw new HttpProblem(PROBLEMS.clockSkew, { extras })
  }
  if (!claimFirst) await claimNonce(ctx, parsed, purpose)
  return client
}

/** Authenticates a signed request; returns the paired client or throws HttpProblem. */
export async function authenticate(
  ctx: ServerContext,
  ex: SignedSource,
  body: Uint8Array,
  purpose: SignedPurpose = 'request',
): Promise<ClientRecord> {
  const seen: { keyid?: string } = {}
  try {
    return await verify(ctx, ex, body, seen, purpose)
  } catch (e) {
    // §9.4: refusals at steps 7-10 (the keyid was parsed) are audited with the keyid as claimed,
    // cut to a bounded length since it is attacker text.
    if (e instanceof HttpProblem && seen.keyid !== undefined) {
      const keyid = seen.keyid.slice(0, AUDIT_KEYID_CHARS)
      ctx.audit.record('signature.failure', { problem: e.entry.name, keyid, remote: ex.remote })
    }
    throw e
  }
}
