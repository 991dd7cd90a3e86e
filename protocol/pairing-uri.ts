/**
 * The `pairwire:` pairing URI (spec §5.11): the device's origin, its device_id and optionally the
 * PIN, in one string a device shows as a QR code. Its exact syntax is the ABNF of §5.11; this
 * module is its one parser and formatter, shared by the client, the server and the vector
 * generator. No Node built-ins: the browser page parses URIs with it too.
 *
 *   pairwire:pwd_<22 base64url>?url=<percent-encoded origin>[&pin=<6 digits>]
 */
import { isWellFormedId } from './ids.ts'

/**
 * The URI scheme (spec §5.11). Not in registry.LABELS: a label there is a string no other module
 * may spell, and `pairwire` is also the project's name, database name and Redis key prefix.
 */
export const PAIRING_URI_SCHEME = 'pairwire'

export interface PairingUri {
  /** The device's origin, ASCII serialisation (RFC 6454 §6.2), e.g. http://127.0.0.1:8080. */
  readonly url: string
  readonly deviceId: string
  /** Six ASCII digits, or null when the URI carries none. */
  readonly pin: string | null
}

/** Why a string is not a pairing URI; each names one rule of spec §5.11 (and a vector field). */
export const PAIRING_URI_FAILURES = [
  'scheme',
  'syntax',
  'device-id',
  'percent-encoding',
  'url',
  'pin',
] as const

export type PairingUriFailure = (typeof PAIRING_URI_FAILURES)[number]

export class PairingUriError extends Error {
  readonly failure: PairingUriFailure
  constructor(failure: PairingUriFailure, message: string) {
    super(`not a pairing URI: ${message}`)
    this.name = 'PairingUriError'
    this.failure = failure
  }
}

// RFC 3986 §2.3 unreserved characters; every other octet of the url value is percent-encoded.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/
// RFC 3986 §2.1 pct-encoded, §2.3 unreserved: the only characters of a url value.
const URL_VALUE = /^(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})+$/
const PIN = /^[0-9]{6}$/
// device-id "?" "url=" value [ "&pin=" value ]: no other parameter, this order, no fragment.
const SHAPE = /^([^?#]*)\?url=([^&#]*)(?:&pin=([^&#]*))?$/

/** Spec §5.11: the url value, percent-encoded with uppercase hex digits (RFC 3986 §2.1). */
export function percentEncode(text: string): string {
  let out = ''
  for (const ch of text) {
    if (UNRESERVED.test(ch)) out += ch
    else for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** The origin `url` names, when it is exactly the ASCII serialisation of an http(s) origin. */
function originOf(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null
  return parsed.origin === url ? url : null
}

/** Formats a pairing URI; throws PairingUriError when an input breaks §5.11. */
export function formatPairingUri(uri: PairingUri): string {
  if (!isWellFormedId('device', uri.deviceId)) throw new PairingUriError('device-id', 'bad device_id')
  if (originOf(uri.url) === null) {
    throw new PairingUriError('url', 'the url must be an http or https origin')
  }
  if (uri.pin !== null && !PIN.test(uri.pin)) throw new PairingUriError('pin', 'the PIN is not six digits')
  const pin = uri.pin === null ? '' : `&pin=${uri.pin}`
  return `${PAIRING_URI_SCHEME}:${uri.deviceId}?url=${percentEncode(uri.url)}${pin}`
}

function percentDecode(value: string): string {
  if (!URL_VALUE.test(value)) {
    throw new PairingUriError('percent-encoding', 'the url value has a character that is not unreserved or percent-encoded')
  }
  const bytes = value.replace(/%([0-9A-Fa-f]{2})|./gs, (m, hex: string | undefined) =>
    hex === undefined ? m : String.fromCharCode(parseInt(hex, 16)),
  )
  // Spec §5.11: an origin's serialisation is ASCII, so every decoded octet is below 0x80.
  if (!/^[\x21-\x7e]*$/.test(bytes)) {
    throw new PairingUriError('percent-encoding', 'the url value decodes to a non-ASCII or control octet')
  }
  return bytes
}

/** Parses a pairing URI (spec §5.11); throws PairingUriError naming the rule it breaks. */
export function parsePairingUri(text: string): PairingUri {
  const colon = text.indexOf(':')
  // RFC 3986 §3.1: the scheme is case-insensitive.
  if (colon < 0 || text.slice(0, colon).toLowerCase() !== PAIRING_URI_SCHEME) {
    throw new PairingUriError('scheme', `the scheme is not ${PAIRING_URI_SCHEME}:`)
  }
  const shape = SHAPE.exec(text.slice(colon + 1))
  if (shape === null) {
    throw new PairingUriError('syntax', 'expected DEVICE_ID?url=URL[&pin=PIN] and nothing else')
  }
  const [, deviceId, encodedUrl, pin] = shape as unknown as [string, string, string, string | undefined]
  if (!isWellFormedId('device', deviceId)) throw new PairingUriError('device-id', 'bad device_id')
  const url = percentDecode(encodedUrl)
  if (originOf(url) === null) {
    throw new PairingUriError('url', 'the url is not the serialisation of an http or https origin')
  }
  if (pin !== undefined && !PIN.test(pin)) throw new PairingUriError('pin', 'the PIN is not six digits')
  return { url, deviceId, pin: pin ?? null }
}

export function isPairingUriError(e: unknown): e is PairingUriError {
  return e instanceof PairingUriError
}
