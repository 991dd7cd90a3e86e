/**
 * Session tickets (spec §6): 32 random bytes, sent once as base64url, stored by the device only
 * as SHA-256 of the raw bytes (base64url), so a leaked store cannot open sessions.
 */
import { defaultBackend, type CryptoBackend } from './crypto/index.ts'
import { base64urlDecode, base64urlEncode } from './encoding.ts'
import { SIZES } from './registry.ts'

export function newTicket(backend: CryptoBackend = defaultBackend): { ticket: string; hash: string } {
  const raw = backend.randomBytes(SIZES.ticket)
  return { ticket: base64urlEncode(raw), hash: base64urlEncode(backend.sha256(raw)) }
}

/** The stored form of a ticket as received on the wire; throws ProtocolError when malformed. */
export function ticketHash(ticket: string, backend: CryptoBackend = defaultBackend): string {
  return base64urlEncode(backend.sha256(base64urlDecode(ticket, SIZES.ticket)))
}
