/**
 * The zaparoo-v1 PAKE wire message (spec/profiles/zaparoo-v1.md §2.3, zp-pake-2.3-*): a JSON
 * object with a numeric "role" and eight coordinates as decimal strings. The encoder writes
 * Go's order (ux,uy,vx,vy,xx,xy,yx,yy,role, no whitespace); the strict decoder is what a
 * conforming client applies to msgB. Transcripts and salts always use the raw bytes, never a
 * re-encoding, so field order does not matter for interop.
 */
import { U, V, type Coordinates } from './pake.ts'

export interface PakeMessage {
  readonly role: number
  readonly u: Coordinates
  readonly v: Coordinates
  readonly x: Coordinates
  readonly y: Coordinates
}

export const COORDINATE_FIELDS = ['ux', 'uy', 'vx', 'vy', 'xx', 'xy', 'yx', 'yy'] as const
const ZERO: Coordinates = { x: 0n, y: 0n }

/** Go's field order; the bytes are the transcript. */
export function encodePakeMessage(m: PakeMessage): Uint8Array {
  const c = [m.u, m.v, m.x, m.y].flatMap((p) => [p.x, p.y])
  const fields = COORDINATE_FIELDS.map((name, i) => `"${name}":"${c[i]!.toString(10)}"`)
  return new TextEncoder().encode(`{${fields.join(',')},"role":${m.role}}`)
}

export function clientMessage(X: Coordinates): PakeMessage {
  return { role: 0, u: U, v: V, x: X, y: ZERO }
}

export function serverMessage(X: Coordinates, Y: Coordinates): PakeMessage {
  return { role: 1, u: U, v: V, x: X, y: Y }
}

export class InvalidPakeMessage extends Error {
  constructor(why: string) {
    super(`invalid PAKE message: ${why}`)
    this.name = 'InvalidPakeMessage'
  }
}

const DECIMAL = /^[0-9]+$/

/** Strict decoding: every field present, canonical non-negative decimal strings, integer role. */
export function decodePakeMessage(bytes: Uint8Array): PakeMessage {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new InvalidPakeMessage('not UTF-8 JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPakeMessage('not an object')
  }
  const o = json as Record<string, unknown>
  if (!Number.isInteger(o['role'])) throw new InvalidPakeMessage('role is not an integer')
  const n = COORDINATE_FIELDS.map((name) => {
    const s = o[name]
    if (typeof s !== 'string' || !DECIMAL.test(s)) throw new InvalidPakeMessage(`${name}`)
    return BigInt(s)
  })
  const at = (i: number): Coordinates => ({ x: n[2 * i]!, y: n[2 * i + 1]! })
  return { role: o['role'] as number, u: at(0), v: at(1), x: at(2), y: at(3) }
}
