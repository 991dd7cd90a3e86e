/**
 * Pairwire PINs (spec §5, the pairing window): exactly six ASCII digits. A device never
 * generates, and never accepts from its operator, a trivial PIN: one digit repeated (000000 ...
 * 999999) or a run that steps by +1 (012345 ... 456789) or -1 (987654 ... 543210) without
 * wrapping past 9 or 0. That leaves 10^6 - 20 PINs, drawn uniformly by rejection sampling from
 * the CSPRNG.
 */
import { defaultBackend, type CryptoBackend } from '../crypto/index.ts'
import { ProtocolError } from '../errors.ts'
import { SIZES } from '../registry.ts'

const PIN_SPACE = 10 ** SIZES.pin
/** Six ASCII digits and nothing else; without the `u` flag, [0-9] matches only U+0030-U+0039. */
const PIN_SYNTAX = new RegExp(`^[0-9]{${SIZES.pin}}$`)
/** Bytes per draw: a 32-bit integer, far wider than the 20-bit PIN space. */
const DRAW_BYTES = 4
/** Largest multiple of 10^6 not above 2^32: draws at or above it are rejected (no modulo bias). */
const DRAW_LIMIT = Math.floor(2 ** (8 * DRAW_BYTES) / PIN_SPACE) * PIN_SPACE

/** Six ASCII digits, with no triviality check: the shape of any PIN a party derives w from. */
export function isPinSyntax(pin: unknown): pin is string {
  return typeof pin === 'string' && PIN_SYNTAX.test(pin)
}

/** True when every digit equals the previous one plus `step` (0, +1 or -1), with no wrap. */
function stepsBy(pin: string, step: number): boolean {
  for (let i = 1; i < pin.length; i++) {
    if (pin.charCodeAt(i) - pin.charCodeAt(i - 1) !== step) return false
  }
  return true
}

/** True for the 20 trivial PINs: one digit repeated, or an ascending or descending run. */
export function isTrivialPin(pin: string): boolean {
  return stepsBy(pin, 0) || stepsBy(pin, 1) || stepsBy(pin, -1)
}

/** Returns the PIN when it is six ASCII digits and not trivial; otherwise 'invalid-pin'. */
export function validatePin(pin: unknown): string {
  if (!isPinSyntax(pin)) throw new ProtocolError('invalid-pin', 'PIN must be six ASCII digits')
  if (isTrivialPin(pin)) throw new ProtocolError('invalid-pin', 'PIN is trivial')
  return pin
}

/** A PIN uniform over the 10^6 - 20 non-trivial PINs. */
export function generatePin(backend: CryptoBackend = defaultBackend): string {
  for (;;) {
    const bytes = backend.randomBytes(DRAW_BYTES)
    const draw = new DataView(bytes.buffer, bytes.byteOffset, DRAW_BYTES).getUint32(0)
    if (draw >= DRAW_LIMIT) continue
    const pin = String(draw % PIN_SPACE).padStart(SIZES.pin, '0')
    if (!isTrivialPin(pin)) return pin
  }
}
