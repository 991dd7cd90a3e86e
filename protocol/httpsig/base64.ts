/**
 * Standard base64 (RFC 4648 §4, alphabet with + and /), the encoding of RFC 8941 Byte Sequences.
 * Encoding always pads (RFC 8941 §4.1.8). Decoding follows RFC 8941 §4.2.7: padding is synthesized
 * when absent and non-zero pad bits are ignored (the RFC says parsers SHOULD NOT fail on either),
 * but a character outside the alphabet, misplaced or excess "=", or an impossible length fails.
 */
import { base64urlEncode } from '../encoding.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const SHAPE = /^([A-Za-z0-9+/]*)(={0,2})$/

export function encodeBase64(bytes: Uint8Array): string {
  const unpadded = base64urlEncode(bytes).replace(/-/g, '+').replace(/_/g, '/')
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4)
}

/** Returns the decoded bytes, or undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const shape = SHAPE.exec(text)
  if (shape === null) return undefined
  const data = shape[1]!
  const padding = shape[2]!
  if (data.length % 4 === 1) return undefined
  if (padding.length > 0 && (data.length + padding.length) % 4 !== 0) return undefined
  const out = new Uint8Array(Math.floor((data.length * 3) / 4))
  let acc = 0
  let bits = 0
  let o = 0
  for (let i = 0; i < data.length; i++) {
    acc = ((acc << 6) | ALPHABET.indexOf(data[i]!)) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >>> bits) & 0xff
    }
  }
  return out
}
