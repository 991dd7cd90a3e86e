/**
 * Pairwire's Noise prologue (spec §7.3; Noise rev 34 §6). Both sides mix it into h before the
 * first message, so a session only completes between the client and device it names:
 *
 *     prologue = len(label) || label || len(client_id) || client_id || len(device_id) || device_id
 *
 * where label is the ASCII string "pairwire/1 session" (LABELS.noisePrologue, 18 bytes), each id
 * is its ASCII (UTF-8) text as carried on the wire, e.g. "pwc_" + 22 base64url characters, and
 * len(x) is the 8-byte little-endian byte length of RFC 9382 §3.3. The prologue therefore starts
 * 12 00 00 00 00 00 00 00 70 61 69 72 77 69 72 65 2f 31 20 73 65 73 73 69 6f 6e, and for two
 * well-formed 26-character ids it is 8 + 18 + 8 + 26 + 8 + 26 = 94 bytes. The prologue never
 * crosses the wire: a mismatch shows as 'handshake-failed' on the responder.
 */
import { concatBytes, lengthPrefixed, utf8Encode } from '../encoding.ts'
import { idBytes } from '../ids.ts'
import { LABELS } from '../registry.ts'

const LABEL_FIELD = lengthPrefixed(utf8Encode(LABELS.noisePrologue))

export function sessionPrologue(clientId: string, deviceId: string): Uint8Array {
  return concatBytes(
    LABEL_FIELD,
    lengthPrefixed(idBytes(clientId)),
    lengthPrefixed(idBytes(deviceId)),
  )
}
