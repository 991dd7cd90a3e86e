/**
 * Builds vectors/pairing-uri.json (spec §5.11): strings a client may be given as a `pairwire:`
 * URI, with what it must read from them (origin, device_id, PIN, and the one form a device
 * writes for those values) or the rule that refuses them. Each expectation is written here from
 * the spec; the generator checks the parser agrees and stops otherwise, so the file never records
 * what the code happens to do.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { deviceIdOf } from '../protocol/ids.ts'
import {
  formatPairingUri,
  isPairingUriError,
  parsePairingUri,
  type PairingUriFailure,
} from '../protocol/pairing-uri.ts'
import { PAIRING_URI_ALGORITHM, type PairingUriVectorFile } from '../schemas/src/vectors.ts'
import { fixedBytes } from './seeds.ts'
import { REQ } from './requirements.ts'
import { finishVectorFile, type GroupDraft, type Note } from './vector-file.ts'

type Draft = GroupDraft<PairingUriVectorFile['testGroups'][number]>
type TestDraft = Draft['tests'][number]

const DEVICE_ID = deviceIdOf(nobleBackend.ed25519PublicKey(fixedBytes('pairing uri device seed')), nobleBackend)

const HEADER = [
  'Pairwire 1 pairing URIs (spec §5.11): pairwire:DEVICE_ID?url=ORIGIN[&pin=PIN], the origin',
  'percent-encoded (RFC 3986 §2.1). A valid test gives the decoded url (an http or https origin,',
  'RFC 6454 §6.2), device_id and pin (null when absent), and `formatted`, the exact string a',
  'device writes for those values (lowercase scheme, every octet outside RFC 3986 §2.3',
  'unreserved percent-encoded with uppercase hex). An invalid test names the rule it breaks;',
  'a client refuses it without contacting any device.',
]

const NOTES: Record<string, Note> = {
  Canonical: { bugType: 'BASIC', description: 'The form a device writes; catches any parsing or formatting slip.' },
  NoPin: { bugType: 'FUNCTIONALITY', description: 'The pin parameter is optional; catches requiring it.' },
  SchemeCase: {
    bugType: 'EDGE_CASE',
    description: 'The scheme is case-insensitive (RFC 3986 §3.1); catches a case-sensitive comparison.',
  },
  PercentEquivalence: {
    bugType: 'EDGE_CASE',
    description:
      'Lowercase hex and encoded unreserved characters decode to the same origin (RFC 3986 §2.1, §2.3).',
  },
  WrongScheme: { bugType: 'MODIFIED_PARAMETER', description: 'Another scheme; catches accepting any URI.' },
  Syntax: {
    bugType: 'MODIFIED_PARAMETER',
    description: 'Parameters missing, reordered, repeated, unknown, or a fragment; catches a lax query parser.',
  },
  BadDeviceId: { bugType: 'MODIFIED_PARAMETER', description: 'A device_id not of the §3.2 form.' },
  BadPercentEncoding: {
    bugType: 'MODIFIED_PARAMETER',
    description: 'A reserved character left raw, a broken triplet, or an octet no origin has.',
  },
  NotAnOrigin: {
    bugType: 'MODIFIED_PARAMETER',
    description: 'A URL with a path, query, userinfo, default port, uppercase host or another scheme.',
  },
  BadPin: { bugType: 'MODIFIED_PARAMETER', description: 'A PIN that is not six ASCII digits (§5.2).' },
}

const enc = (text: string): string => text.replace(/[^A-Za-z0-9\-._~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
const uriOf = (url: string, rest = ''): string => `pairwire:${DEVICE_ID}?url=${enc(url)}${rest}`

function valid(comment: string, flags: string[], uri: string): TestDraft {
  const parsed = parsePairingUri(uri)
  const formatted = formatPairingUri(parsed)
  return {
    comment,
    flags,
    result: 'valid',
    requirements: [REQ.uriSyntax, REQ.uriUrl, REQ.uriFormat],
    uri,
    url: parsed.url,
    device_id: parsed.deviceId,
    pin: parsed.pin,
    formatted,
  }
}

function invalid(comment: string, flag: string, uri: string, failure: PairingUriFailure): TestDraft {
  try {
    parsePairingUri(uri)
  } catch (e) {
    if (!isPairingUriError(e) || e.failure !== failure) {
      throw new Error(`pairing-uri vector "${comment}": the parser says ${String(e)}, the spec ${failure}`)
    }
    const requirement = failure === 'url' || failure === 'percent-encoding' ? REQ.uriUrl : REQ.uriSyntax
    return { comment, flags: [flag], result: 'invalid', requirements: [requirement], uri, failure }
  }
  throw new Error(`pairing-uri vector "${comment}": the parser accepts ${uri}`)
}

const LAN = 'http://192.168.1.20:8080'

function tests(): TestDraft[] {
  const id = DEVICE_ID
  return [
    valid('origin with port and a PIN', ['Canonical'], uriOf(LAN, '&pin=482913')),
    valid('no PIN', ['Canonical', 'NoPin'], uriOf(LAN)),
    valid('https origin with a DNS name and the default port omitted', ['Canonical'], uriOf('https://lamp.example', '&pin=070809')),
    valid('IPv6 literal: brackets and colons are percent-encoded', ['Canonical'], uriOf('http://[fe80::1]:8443', '&pin=482913')),
    valid('uppercase scheme', ['SchemeCase'], `PAIRWIRE:${id}?url=${enc(LAN)}&pin=482913`),
    valid('lowercase hex digits', ['PercentEquivalence'], `pairwire:${id}?url=http%3a%2f%2f192.168.1.20%3a8080`),
    valid('encoded unreserved characters (%2E is ".")', ['PercentEquivalence'], `pairwire:${id}?url=http%3A%2F%2Flamp%2Eexample`),
    invalid('https scheme', 'WrongScheme', `https://lamp.example/?device_id=${id}`, 'scheme'),
    invalid('scheme misspelt', 'WrongScheme', `pairwir:${id}?url=${enc(LAN)}`, 'scheme'),
    invalid('no colon at all', 'WrongScheme', 'pairwire', 'scheme'),
    invalid('no query', 'Syntax', `pairwire:${id}`, 'syntax'),
    invalid('authority form pairwire://', 'Syntax', `pairwire://${id}?url=${enc(LAN)}`, 'device-id'),
    invalid('pin before url', 'Syntax', `pairwire:${id}?pin=482913&url=${enc(LAN)}`, 'syntax'),
    invalid('unknown parameter', 'Syntax', uriOf(LAN, '&name=lamp'), 'syntax'),
    invalid('pin twice', 'Syntax', uriOf(LAN, '&pin=482913&pin=482913'), 'syntax'),
    invalid('fragment', 'Syntax', uriOf(LAN, '&pin=482913#x'), 'syntax'),
    invalid('uppercase parameter name', 'Syntax', `pairwire:${id}?URL=${enc(LAN)}`, 'syntax'),
    invalid('client_id prefix', 'BadDeviceId', `pairwire:pwc_${id.slice(4)}?url=${enc(LAN)}`, 'device-id'),
    invalid('device_id one character short', 'BadDeviceId', `pairwire:${id.slice(0, -1)}?url=${enc(LAN)}`, 'device-id'),
    invalid('device_id with a non-canonical last character', 'BadDeviceId', `pairwire:${id.slice(0, -1)}B?url=${enc(LAN)}`, 'device-id'),
    invalid('empty url', 'BadPercentEncoding', `pairwire:${id}?url=`, 'percent-encoding'),
    invalid('raw ":" and "/" in the url value', 'BadPercentEncoding', `pairwire:${id}?url=${LAN}`, 'percent-encoding'),
    invalid('truncated triplet', 'BadPercentEncoding', `pairwire:${id}?url=http%3A%2F%2Flamp%2`, 'percent-encoding'),
    invalid('non-hex triplet', 'BadPercentEncoding', `pairwire:${id}?url=http%3A%2F%2Flamp%G0`, 'percent-encoding'),
    invalid('decodes to a control octet', 'BadPercentEncoding', `pairwire:${id}?url=http%3A%2F%2Flamp%00`, 'percent-encoding'),
    invalid('decodes to a non-ASCII octet', 'BadPercentEncoding', `pairwire:${id}?url=http%3A%2F%2Fl%C3%A4mp`, 'percent-encoding'),
    invalid('trailing slash', 'NotAnOrigin', uriOf(`${LAN}/`), 'url'),
    invalid('a path', 'NotAnOrigin', uriOf(`${LAN}/pairwire`), 'url'),
    invalid('userinfo', 'NotAnOrigin', uriOf('http://admin@192.168.1.20:8080'), 'url'),
    invalid('explicit default port', 'NotAnOrigin', uriOf('http://192.168.1.20:80'), 'url'),
    invalid('uppercase host', 'NotAnOrigin', uriOf('http://Lamp.example'), 'url'),
    invalid('ws scheme', 'NotAnOrigin', uriOf('ws://192.168.1.20:8080'), 'url'),
    invalid('not a URL', 'NotAnOrigin', uriOf('lamp'), 'url'),
    invalid('five-digit PIN', 'BadPin', uriOf(LAN, '&pin=48291'), 'pin'),
    invalid('seven-digit PIN', 'BadPin', uriOf(LAN, '&pin=4829131'), 'pin'),
    invalid('empty PIN', 'BadPin', uriOf(LAN, '&pin='), 'pin'),
    invalid('non-ASCII digits', 'BadPin', uriOf(LAN, '&pin=%D9%A4%D9%A8'), 'pin'),
  ]
}

export function pairingUriVectors(): PairingUriVectorFile {
  return finishVectorFile<PairingUriVectorFile>({
    name: 'pairing-uri-vectors',
    algorithm: PAIRING_URI_ALGORITHM,
    source: 'Pairwire 1 spec §5.11; RFC 3986 §2.1, §2.3, §3.1; RFC 6454 §6.2',
    header: HEADER,
    notes: NOTES,
    testGroups: [{ type: 'PairingUriTest', tests: tests() } as Draft],
  })
}
