/**
 * Pairing, the client side (spec §4, §5): read the device's discovery document, run SPAKE2 as
 * party A over pair/start and pair/finish, and verify the device before keeping anything. The
 * device must prove the PIN with cB (RFC 9382 §4), answer with the key it advertised, and name
 * both parties by the fingerprints of their keys (spec §3.2); if any check fails every secret of
 * the attempt is dropped and no credentials exist.
 */
import { defaultBackend, type CryptoBackend } from '../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode, constantTimeEqual } from '../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../protocol/ids.ts'
import { PATHS, PROTOCOL_VERSION, SIZES } from '../protocol/registry.ts'
import { finishClientPairing, isPinSyntax, startClientPairing } from '../protocol/spake2/index.ts'
import type { Message } from '../schemas/validate.ts'
import type { Credentials } from './credentials.ts'
import { ClientError } from './errors.ts'
import { jsonRequest, readMessage, send } from './http.ts'
import { resolveFetch, type FetchFunction } from './platform.ts'
import { deviceOrigin, endpoint } from './urls.ts'
import { isPairingUriError, parsePairingUri } from '../protocol/pairing-uri.ts'
import { clientFault } from './faults.ts'

// Spec §4 and §5: a display name is 1 to 64 Unicode code points.
const NAME_MAX_CODE_POINTS = 64

export interface PairOptions {
  /** The device's URL; only its origin is kept. */
  readonly url: string
  /** The six digits the device shows. */
  readonly pin: string
  /** client_name sent to the device. */
  readonly name: string
  /** The client's Ed25519 seed; a fresh one from the CSPRNG when absent. */
  readonly clientSeed?: Uint8Array
  readonly fetch?: FetchFunction
  readonly backend?: CryptoBackend
  /**
   * The device_id learnt out of band, from a pairing URI (spec §5.11): pairing stops before
   * pair/start unless the discovered key has this fingerprint.
   */
  readonly deviceId?: string
  /** Called with the pair/finish answer before cB is checked (the CLI's fault switch only). */
  readonly beforeCheck?: () => Promise<void>
}

/** PairOptions with url, device id and PIN taken from a `pairwire:` URI (spec §5.11). */
export type PairFromUriOptions = Omit<PairOptions, 'url' | 'pin' | 'deviceId'> & {
  readonly uri: string
  /** The PIN to use; when absent, the URI's own PIN. */
  readonly pin?: string
}

function checkOptions(options: PairOptions): void {
  if (!isPinSyntax(options.pin)) throw ClientError.usage('the PIN must be six ASCII digits')
  const nameLength = [...options.name].length
  if (nameLength < 1 || nameLength > NAME_MAX_CODE_POINTS) {
    throw ClientError.usage('the client name must be 1 to 64 characters')
  }
  if (options.clientSeed !== undefined && options.clientSeed.length !== SIZES.ed25519PublicKey) {
    throw ClientError.usage('the client seed must be 32 bytes')
  }
}

/** Spec §4.4: the discovery document, and its device_id checked against its device_key. */
export async function discover(fetchFn: FetchFunction, origin: string, backend: CryptoBackend) {
  const url = endpoint(origin, PATHS.discovery)
  const response = await send(fetchFn, url, { method: 'GET' })
  // Spec §4.4: at most SIZES.maxDiscoveryDocument bytes are read of a discovery answer.
  const limit = clientFault('no-discovery-size-limit') ? undefined : SIZES.maxDiscoveryDocument
  const discovery = await readMessage(response, 'discovery', 'discovery', limit)
  // Spec §4.3, §4.4: the schema holds each limit to its own range; the two ranges that name
  // another limit are checked here (a device advertising them contradicts itself).
  const { limits } = discovery
  const contradictory = limits.pin_ttl > limits.max_pin_ttl || limits.max_inflight_bytes < limits.max_body
  if (contradictory && !clientFault('skip-cross-limit-check')) {
    throw ClientError.verification('discovery', 'pin_ttl > max_pin_ttl or max_inflight_bytes < max_body')
  }
  const deviceKey = base64urlDecode(discovery.device_key, SIZES.ed25519PublicKey)
  if (deviceIdOf(deviceKey, backend) !== discovery.device_id) {
    throw ClientError.verification('device-id')
  }
  return { discovery, deviceKey }
}

/** RFC 9382 §3.3: K from pB; an invalid point is the device failing, not the caller. */
function confirmationFor(state: Parameters<typeof finishClientPairing>[0], pB: Uint8Array) {
  try {
    return finishClientPairing(state, pB)
  } catch (cause) {
    throw ClientError.verification('pB', cause)
  }
}

/** Spec §5.9: cB must verify before anything is kept; only then is the pairing key released. */
function verifiedPairingKey(
  confirmation: ReturnType<typeof finishClientPairing>,
  finish: Message<'pair-finish-response'>,
): Uint8Array {
  try {
    return confirmation.verifyDeviceConfirmation(base64urlDecode(finish.cB, SIZES.confirmationMac))
  } catch (cause) {
    if (clientFault('skip-cb-check')) return defaultBackend.randomBytes(SIZES.pairingKey)
    throw ClientError.verification('cB', cause)
  }
}

/** POSTs one pairing message and reads the answer as `answer`. */
async function exchange<N extends 'pair-start-response' | 'pair-finish-response'>(
  device: { fetchFn: FetchFunction; origin: string },
  path: string,
  body: object,
  answer: N,
): Promise<Message<N>> {
  const url = endpoint(device.origin, path)
  const response = await send(device.fetchFn, url, jsonRequest('POST', body))
  return readMessage(response, answer, answer)
}

/** Pairs with the device at `options.url` using the PIN it shows (spec §5). */
export async function pair(options: PairOptions): Promise<Credentials> {
  checkOptions(options)
  const backend = options.backend ?? defaultBackend
  const device = { fetchFn: await resolveFetch(options.fetch), origin: deviceOrigin(options.url) }
  const { discovery, deviceKey } = await discover(device.fetchFn, device.origin, backend)
  // Spec §5.11 pw-pair-5.11-client-pins-device: the key must be the one the URI named, checked
  // before any share is sent, so a device that is not the one pinned never sees pA.
  if (options.deviceId !== undefined && discovery.device_id !== options.deviceId) {
    throw ClientError.verification('pinned-device-id')
  }

  const seed = options.clientSeed ?? backend.randomBytes(SIZES.ed25519PublicKey)
  const clientKey = backend.ed25519PublicKey(seed)
  const { pA, state } = startClientPairing({ pin: options.pin, clientKey, deviceKey, backend })
  const start = await exchange(device, PATHS.pairStart, {
    v: PROTOCOL_VERSION,
    client_key: base64urlEncode(clientKey),
    client_name: options.name,
    pA: base64urlEncode(pA),
  }, 'pair-start-response')
  // Spec §5.9: B in TT is the discovered key; a device answering with another key is not the one
  // the user looked up.
  const startDeviceKey = base64urlDecode(start.device_key, SIZES.ed25519PublicKey)
  if (!constantTimeEqual(startDeviceKey, deviceKey)) throw ClientError.verification('device-key')
  const pB = base64urlDecode(start.pB, SIZES.p256UncompressedPoint)
  const confirmation = confirmationFor(state, pB)

  const finish = await exchange(device, PATHS.pairFinish, {
    v: PROTOCOL_VERSION,
    pairing_id: start.pairing_id,
    cA: base64urlEncode(confirmation.cA),
  }, 'pair-finish-response')
  await options.beforeCheck?.()
  const pairingKey = verifiedPairingKey(confirmation, finish)
  const clientId = clientIdOf(clientKey, backend)
  const checkIds = !clientFault('skip-id-check')
  if (checkIds && finish.client_id !== clientId) throw ClientError.verification('client-id')
  if (checkIds && finish.device_id !== discovery.device_id) throw ClientError.verification('device-id')

  return {
    v: PROTOCOL_VERSION,
    url: device.origin,
    device_id: discovery.device_id,
    device_key: discovery.device_key,
    client_id: clientId,
    client_seed: base64urlEncode(seed),
    pairing_key: base64urlEncode(pairingKey),
    name: options.name,
    paired_at: Math.floor(Date.now() / 1000),
  }
}

/** Pairs with the device a `pairwire:` URI names, pinned to its device_id (spec §5.11). */
export async function pairFromUri(options: PairFromUriOptions): Promise<Credentials> {
  let parsed
  try {
    parsed = parsePairingUri(options.uri)
  } catch (e) {
    if (isPairingUriError(e)) throw ClientError.usage(e.message)
    throw e
  }
  const pin = options.pin ?? parsed.pin
  if (pin === null) throw ClientError.usage('the pairing URI carries no PIN: give the PIN too')
  const { uri: _uri, ...rest } = options
  return pair({ ...rest, url: parsed.url, pin, deviceId: parsed.deviceId })
}
