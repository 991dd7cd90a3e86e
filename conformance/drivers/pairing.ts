/**
 * The pairing driver of the conformance harness (spec §5): the client side of SPAKE2 over the two
 * HTTP round trips, built from protocol/spake2. `pairClient` runs a whole pairing and returns a
 * test client whose cB verified (§5.9) and whose ids match its keys (§3.2); `pairStart`,
 * `startPairing` and `pairFinish` are the single steps, so cases can send a wrong cA, an invalid
 * share, or the same pairing_id twice. Every failure of the device aborts the case with a 'fail'
 * verdict (CaseFailure), a missing PIN source with a 'skip'.
 */
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, constantTimeEqual } from '../../protocol/encoding.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import { clientIdOf, deviceIdOf } from '../../protocol/ids.ts'
import { PATHS, PROTOCOL_VERSION, SIZES } from '../../protocol/registry.ts'
import {
  finishClientPairing,
  startClientPairing,
  type ClientConfirmation,
  type ClientPairingState,
} from '../../protocol/spake2/index.ts'
import type { CaseContext } from '../model.ts'
import { failCase, must, skipCase } from '../verdicts.ts'
import { expectJsonMessage, httpRequest, type HttpResponse } from './http.ts'

/** The reason every case that needs a pairing window gives when there is no PIN source. */
export const NEEDS_PIN = 'needs a PIN: pass --pin-command or --test-control'

/** A client's long-term Ed25519 key pair (spec §3.1) and its client_id (§3.2). */
export interface ClientKeys {
  readonly seed: Uint8Array
  readonly publicKey: Uint8Array
  readonly clientId: string
}

/** A client paired with the device under test: everything a signed request or a session needs. */
export interface PairedClient {
  readonly clientId: string
  /** The 32-byte Ed25519 seed (RFC 8032 §5.1.5): the `ed25519` signing key (§8.3). */
  readonly clientSeed: Uint8Array
  readonly clientKey: Uint8Array
  /** The 32-byte pairing key (§5.6): the Noise psk (§7.3), the source of the HMAC key (§8.3). */
  readonly pairingKey: Uint8Array
  readonly deviceKey: Uint8Array
  readonly deviceId: string
}

/** A pair/start that answered 200: what pair/finish needs. */
export interface StartedPairing {
  readonly keys: ClientKeys
  readonly state: ClientPairingState
  readonly pairingId: string
  readonly pB: Uint8Array
  readonly expiresAt: number
}

export function newClientKeys(): ClientKeys {
  const seed = defaultBackend.randomBytes(SIZES.ed25519PublicKey)
  const publicKey = defaultBackend.ed25519PublicKey(seed)
  return { seed, publicKey, clientId: clientIdOf(publicKey) }
}

/** The device's Ed25519 public key as discovery advertised it (B of the transcript, §5.5). */
export function advertisedDeviceKey(ctx: Pick<CaseContext, 'target'>): Uint8Array {
  return base64urlDecode(ctx.target.discovery.device_key, SIZES.ed25519PublicKey)
}

/**
 * Opens a fresh pairing window (§5.3) through the PIN source and returns its PIN. The PIN source
 * itself aborts the case when it fails (a 'fail' verdict naming the command or endpoint).
 */
export async function openPinWindow(ctx: CaseContext, ttlSeconds?: number): Promise<string> {
  if (ctx.pins.kind === 'none') skipCase(NEEDS_PIN)
  return (await ctx.pins.openWindow(ttlSeconds)).pin
}

/** A well-formed `pair-start-request` (§5.7) for `keys` and the share pA. */
export function pairStartBody(keys: ClientKeys, pA: Uint8Array, name = 'conformance'): object {
  return {
    v: PROTOCOL_VERSION,
    client_key: base64urlEncode(keys.publicKey),
    client_name: name,
    pA: base64urlEncode(pA),
  }
}

/** POST pair/start with any body; the answer is returned as is. */
export function pairStart(ctx: CaseContext, body: object | string, step?: string): Promise<HttpResponse> {
  return httpRequest(ctx, { method: 'POST', path: PATHS.pairStart, body, ...(step ? { step } : {}) })
}

/** POST pair/finish for `pairing_id` with the 32-byte confirmation MAC `cA`. */
export function pairFinish(
  ctx: CaseContext,
  pairingId: string,
  cA: Uint8Array,
  step?: string,
): Promise<HttpResponse> {
  const body = { v: PROTOCOL_VERSION, pairing_id: pairingId, cA: base64urlEncode(cA) }
  return httpRequest(ctx, { method: 'POST', path: PATHS.pairFinish, body, ...(step ? { step } : {}) })
}

/** Checks a pair/start answer: 200, schema, and the device_key of discovery (§5.7, §5.9). */
export function readStartResponse(
  ctx: CaseContext,
  res: HttpResponse,
): { pairingId: string; pB: Uint8Array; expiresAt: number } {
  must(expectJsonMessage(res, 200, 'pair-start-response'))
  const body = res.json as { pairing_id: string; pB: string; device_key: string; expires_at: number }
  if (body.device_key !== ctx.target.discovery.device_key) {
    failCase('pair/start device_key differs from discovery (§5.7)',
      ctx.target.discovery.device_key, body.device_key)
  }
  const pB = base64urlDecode(body.pB, SIZES.p256UncompressedPoint)
  return { pairingId: body.pairing_id, pB, expiresAt: body.expires_at }
}

/** pair/start with the PIN `pin` (right or wrong); fails the case unless the device answers 200. */
export async function startPairing(
  ctx: CaseContext,
  options: { pin: string; keys?: ClientKeys; name?: string; step?: string },
): Promise<StartedPairing> {
  const keys = options.keys ?? newClientKeys()
  const { pA, state } = startClientPairing({
    pin: options.pin,
    clientKey: keys.publicKey,
    deviceKey: advertisedDeviceKey(ctx),
  })
  const res = await pairStart(ctx, pairStartBody(keys, pA, options.name), options.step)
  return { keys, state, ...readStartResponse(ctx, res) }
}

/** RFC 9382 §3.3, §4 on the client: K, TT and the keys from pB; fails the case on a bad pB. */
export function clientConfirmation(started: StartedPairing): ClientConfirmation {
  try {
    return finishClientPairing(started.state, started.pB)
  } catch (error) {
    if (isProtocolError(error, 'invalid-share')) {
      failCase('pB is not a valid P-256 share, or K is the identity (§5.9)', 'a valid pB', 'rejected')
    }
    throw error
  }
}

/** A cA that cannot verify: the right one with its first bit flipped. */
export function wrongConfirmation(started: StartedPairing): Uint8Array {
  const cA = clientConfirmation(started).cA.slice()
  cA[0] = cA[0]! ^ 0x01
  return cA
}

/**
 * Checks a 200 pair/finish answer (§5.8): schema, ids derived from the keys (§3.2), and cB
 * (§5.9). Returns the paired client; fails the case otherwise.
 */
export function readFinishResponse(
  res: HttpResponse,
  started: StartedPairing,
  confirmation: ClientConfirmation,
): PairedClient {
  must(expectJsonMessage(res, 200, 'pair-finish-response'))
  const body = res.json as { client_id: string; device_id: string; cB: string }
  const deviceKey = started.state.B
  const expectedIds = { client_id: started.keys.clientId, device_id: deviceIdOf(deviceKey) }
  if (body.client_id !== expectedIds.client_id || body.device_id !== expectedIds.device_id) {
    failCase('pair/finish ids are not derived from the keys (§3.2)', expectedIds, {
      client_id: body.client_id,
      device_id: body.device_id,
    })
  }
  let pairingKey: Uint8Array
  try {
    pairingKey = confirmation.verifyDeviceConfirmation(base64urlDecode(body.cB, SIZES.confirmationMac))
  } catch {
    return failCase('cB does not verify (§5.5)', 'cB = HMAC(KcB, TT)', 'a different MAC')
  }
  return {
    clientId: started.keys.clientId,
    clientSeed: started.keys.seed,
    clientKey: started.keys.publicKey,
    pairingKey,
    deviceKey,
    deviceId: body.device_id,
  }
}

/** The least lifetime of a pairing window opened for a setup pairing (pairClient), in seconds. */
export const SETUP_WINDOW_S = 30

/**
 * The ttl a setup pairing asks of the PIN source (§12.2 `ttl`; PAIRWIRE_PIN_TTL for a command),
 * or undefined for the device's pin_ttl when that is long enough. A pairing that only sets a case
 * up must not race pin_ttl: with the few seconds of a test configuration (the reference run's
 * 4 s), the first pairing of a run, its SPAKE2 code still cold in both processes, outlasted the
 * window on a loaded machine and got 403 pairing-window-closed, reported as the case's failure
 * (8.8-replay-window, first of its run). The cases about the window's TTL (§5.4) open their own.
 */
export function setupWindowTtl(ctx: Pick<CaseContext, 'target'>): number | undefined {
  const { pin_ttl: pinTtl, max_pin_ttl: maxPinTtl } = ctx.target.discovery.limits
  if (pinTtl === undefined || pinTtl >= SETUP_WINDOW_S) return undefined
  return Math.min(SETUP_WINDOW_S, maxPinTtl ?? SETUP_WINDOW_S)
}

/**
 * A whole pairing (§5): opens a window unless `pin` is given, runs pair/start and pair/finish with
 * the right PIN, and checks every answer. The result is a client the device has registered.
 */
export async function pairClient(
  ctx: CaseContext,
  options: { pin?: string; name?: string; keys?: ClientKeys } = {},
): Promise<PairedClient> {
  const pin = options.pin ?? (await openPinWindow(ctx, setupWindowTtl(ctx)))
  const started = await startPairing(ctx, { ...options, pin, step: 'pair/start (setup)' })
  const confirmation = clientConfirmation(started)
  const res = await pairFinish(ctx, started.pairingId, confirmation.cA, 'pair/finish (setup)')
  return readFinishResponse(res, started, confirmation)
}

/** True when two byte strings are equal (for cases comparing keys, not secrets). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && constantTimeEqual(a, b)
}
