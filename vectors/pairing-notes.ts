/**
 * The prose of vectors/pairing.json: its header, the bug each flag catches (Wycheproof `notes`),
 * and the PINs of the password-scalar group.
 */
import type { Note } from './vector-file.ts'

export const PAIRING_HEADER = [
  'Pairwire 1 pairing (spec §5.2, §5.5 - §5.9): SPAKE2 (RFC 9382) over P-256 with SHA-256,',
  'HKDF-SHA256 and HMAC-SHA256, M and N of RFC 9382 §6. A = client_key, B = device_key.',
  'Binary values are lowercase hex. Points are 65-byte uncompressed SEC 1 encodings, scalars',
  '32-byte big-endian integers, Ed25519 keys 32 bytes (*_seed: the RFC 8032 private key).',
  'w = OS2IP(expand_message_xmd(SHA-256, PIN, DST, 48)) mod n (RFC 9380 §5.2, §5.3.1).',
  'TT, Ke, Ka, KcA, KcB, cA, cB as RFC 9382 §3.3 and §4 with AAD = aad; pairing_key =',
  'HKDF-SHA256(salt empty, IKM Ke, info "pairwire/1 pairing key", 32).',
  'Seeds and scalars are fixed here so that the values can be checked; real parties draw them',
  'from a CSPRNG. In ConfirmationTest the device verifies cA; in InvalidShareTest the device',
  'receives pA (request: which request gets the problem); in InvalidPeerShareTest the client',
  'receives pB and MUST abort before pair/finish.',
]

export const PAIRING_NOTES: Record<string, Note> = {
  ValidPin: {
    bugType: 'BASIC',
    description:
      'w of a six-digit PIN; catches a wrong DST, L, expand function or modulus (p for n).',
  },
  LeadingZeros: {
    bugType: 'EDGE_CASE',
    description: 'The PIN is six ASCII bytes, not a number; catches dropping leading zeros.',
  },
  TrivialPinScalar: {
    bugType: 'EDGE_CASE',
    description: 'A client derives w from any six digits it is given, trivial ones included.',
  },
  PinSyntax: {
    bugType: 'MODIFIED_PARAMETER',
    description: 'Not exactly six ASCII digits: no w is derived; catches lax length checks.',
  },
  UnicodeDigits: {
    bugType: 'EDGE_CASE',
    description:
      'Non-ASCII decimal digits that \\d or isdigit() accept; only 0x30-0x39 are digits.',
  },
  TrivialPin: {
    bugType: 'MODIFIED_PARAMETER',
    description: 'One of the 20 trivial PINs: a device never generates or accepts it (spec §5.2).',
  },
  NearTrivialPin: {
    bugType: 'EDGE_CASE',
    description: 'Looks trivial but is not (a wrapping run, one digit off); a device accepts it.',
  },
  SpecExample: {
    bugType: 'BASIC',
    description: 'The worked example of the spec; every value also appears in spec §5.6.',
  },
  FullPairing: {
    bugType: 'BASIC',
    description: 'A complete pairing; catches any deviation in shares, TT layout, KDF or MACs.',
  },
  EdgeScalar: {
    bugType: 'EDGE_CASE',
    description: 'x = 1 and y = n - 1; catches scalar encodings or ranges that are off by one.',
  },
  WrongPin: {
    bugType: 'AUTH_BYPASS',
    description: 'The client used another PIN: cA MUST NOT verify and cB MUST NOT be sent.',
  },
  TamperedConfirmation: {
    bugType: 'AUTH_BYPASS',
    description: 'cA altered in one bit; catches comparing a prefix or not comparing at all.',
  },
  WrongLength: {
    bugType: 'MODIFIED_PARAMETER',
    description:
      'A share that is not 65 bytes: malformed-request at the schema (spec §5.7 step 1), not invalid-share; catches parsers that read past or accept short input.',
  },
  CompressedPoint: {
    bugType: 'MODIFIED_PARAMETER',
    description: 'A compressed SEC 1 point; Pairwire accepts only the uncompressed form.',
  },
  BadPrefix: {
    bugType: 'MODIFIED_PARAMETER',
    description:
      'A first byte other than 04 (hybrid 06/07 included); catches lenient SEC 1 decoders.',
  },
  OffCurve: {
    bugType: 'EDGE_CASE',
    description:
      'Coordinates not on P-256; catches a missing on-curve check (invalid-curve attacks).',
  },
  IdentityEncoding: {
    bugType: 'EDGE_CASE',
    description:
      'An encoding of the identity or (0, 0); catches libraries that decode it as a point.',
  },
  CoordinateOutOfRange: {
    bugType: 'EDGE_CASE',
    description: 'A coordinate ≥ p; catches decoders that reduce coordinates mod p.',
  },
  IdentityK: {
    bugType: 'EDGE_CASE',
    description:
      'A valid point that makes K the identity (pA = w·M or pB = w·N). A device MUST answer ' +
      'pair/start as usual and fail the confirmation (no oracle, spec §5.7); a client MUST ' +
      'abort (spec §5.9).',
  },
}

export interface PinCase {
  pin: string
  valid: boolean
  flags: string[]
  comment: string
}

const valid = (pin: string, flag: string, comment: string): PinCase => ({
  pin, valid: true, flags: [flag], comment,
})
const invalid = (pin: string, flag: string, comment: string): PinCase => ({
  pin, valid: false, flags: [flag], comment,
})

export const PIN_CASES: readonly PinCase[] = [
  valid('294017', 'ValidPin', 'the PIN of the worked example of spec §5.6'),
  valid('480516', 'ValidPin', 'a PIN'),
  valid('100000', 'ValidPin', 'a PIN with trailing zeros'),
  valid('999998', 'ValidPin', 'a PIN with many nines'),
  valid('000001', 'LeadingZeros', 'five leading zeros'),
  valid('065283', 'LeadingZeros', 'one leading zero'),
  valid('000000', 'TrivialPinScalar', 'a trivial PIN typed by a user still has a w'),
  invalid('', 'PinSyntax', 'empty'),
  invalid('29401', 'PinSyntax', 'five digits'),
  invalid('2940170', 'PinSyntax', 'seven digits'),
  invalid('29401a', 'PinSyntax', 'a letter'),
  invalid('29401 ', 'PinSyntax', 'a space in place of the last digit'),
  invalid('２９４０１７', 'UnicodeDigits', 'fullwidth digits U+FF10 - U+FF19'),
  invalid('٢٩٤٠١٧', 'UnicodeDigits', 'Arabic-Indic digits U+0660 - U+0669'),
]
