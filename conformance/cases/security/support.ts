/**
 * Helpers shared by the security cases (spec §13) and 5.6-after-confirmation: a secret in every
 * text form a device could write it in (base64url, base64, hex, or the text as it was sent), the
 * search of an answer for them, the keys of a SPAKE2 run recomputed on the client side (w, Ke,
 * Ka, KcA, KcB, the pairing key; §5.5, §5.6), and a signed request whose signature cannot verify.
 * Reports name a leaked secret, never show its value.
 */
import { base64urlEncode, hexEncode } from '../../../protocol/encoding.ts'
import {
  derivePairingKey,
  keySchedule,
  PAIRING_AAD,
  scalarToBytes,
  sharedPoint,
  transcript,
} from '../../../protocol/spake2/index.ts'
import type { StartedPairing } from '../../drivers/pairing.ts'
import type { SignedHttpRequest } from '../../drivers/signed.ts'

export interface Secret {
  readonly name: string
  /** Every text form searched for. */
  readonly forms: readonly string[]
}

/** A binary secret as base64url, base64 (unpadded) and hex in both cases. */
export function secretBytes(name: string, bytes: Uint8Array): Secret {
  const hex = hexEncode(bytes)
  const base64 = Buffer.from(bytes).toString('base64').replace(/=+$/, '')
  return { name, forms: [base64urlEncode(bytes), base64, hex, hex.toUpperCase()] }
}

/** A secret that travels as text (a ticket, a field value), searched for as sent. */
export function secretText(name: string, text: string): Secret {
  return { name, forms: [text] }
}

/** The names of the secrets found in `text`; an empty form never matches. */
export function leakedSecrets(secrets: readonly Secret[], text: string): string[] {
  return secrets
    .filter((s) => s.forms.some((form) => form !== '' && text.includes(form)))
    .map((s) => s.name)
}

export interface PairingKeys {
  readonly w: Uint8Array
  readonly Ke: Uint8Array
  readonly Ka: Uint8Array
  readonly KcA: Uint8Array
  readonly KcB: Uint8Array
  readonly pairingKey: Uint8Array
}

/**
 * The keys of one SPAKE2 run as the client computes them from its state and pB (RFC 9382 §3.3,
 * §4; spec §5.5, §5.6). The device holds the same values when the PIN was right.
 */
export function pairingKeys(started: StartedPairing): PairingKeys {
  const { A, B, w, x, pA } = started.state
  const { pB } = started
  const K = sharedPoint('A', x, w, pB)
  const { Ke, Ka, KcA, KcB } = keySchedule(transcript({ A, B, pA, pB, K, w }), PAIRING_AAD)
  return { w: scalarToBytes(w), Ke, Ka, KcA, KcB, pairingKey: derivePairingKey(Ke) }
}

/** The values §13.2 keeps off the network: the PIN, w, Ke, Ka, KcA, KcB and the pairing key. */
export function pairingSecrets(started: StartedPairing, pin: string): Secret[] {
  const { w, Ke, Ka, KcA, KcB, pairingKey } = pairingKeys(started)
  return [
    secretText('PIN', pin),
    secretBytes('w', w),
    secretBytes('Ke', Ke),
    secretBytes('Ka', Ka),
    secretBytes('KcA', KcA),
    secretBytes('KcB', KcB),
    secretBytes('pairing key', pairingKey),
  ]
}

/** The request with the first character of its signature bytes changed: it cannot verify. */
export function alterSignature(request: SignedHttpRequest): SignedHttpRequest {
  const field = request.headers['signature'] ?? ''
  const signature = field.replace(/:(.)/, (_, c: string) => `:${c === 'A' ? 'B' : 'A'}`)
  return { ...request, headers: { ...request.headers, signature } }
}
