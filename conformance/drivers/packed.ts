/**
 * The harness's reading of packed plaintexts (spec §7.10): a device plaintext whose first byte is
 * RS is a JSON text sequence (RFC 7464 §2), split at each RS with protocol/json-seq.ts, and each
 * element is parsed as a plaintext of its own (§7.6). Sent to a harness whose message 1 did not
 * offer json_seq, it fails the case under pw-sess-7.10-only-when-accepted; one of more than 64
 * elements fails it under pw-sess-7.10-at-most-64, in whichever case it arrives.
 */
import { utf8Decode } from '../../protocol/encoding.ts'
import { splitPacked } from '../../protocol/json-seq.ts'
import { SIZES } from '../../protocol/registry.ts'
import { failCase } from '../verdicts.ts'

/** The JSON values of a packed plaintext's elements, in order; fails the case as above. */
export function packedElements(plaintext: Uint8Array, offered: boolean): unknown[] {
  const elements = splitPacked(plaintext)
  if (!offered) {
    failCase('the device sent a packed plaintext, but message 1 did not offer json_seq ' +
      '(§7.10 pw-sess-7.10-only-when-accepted)', 'one JSON text per plaintext (§7.6)',
      `a packed plaintext of ${elements.length} elements, ${plaintext.length} bytes`)
  }
  if (elements.length > SIZES.jsonSeqMaxElements) {
    failCase(`the device packed more than ${SIZES.jsonSeqMaxElements} elements into one plaintext ` +
      '(§7.10 pw-sess-7.10-at-most-64)', `at most ${SIZES.jsonSeqMaxElements} elements`,
      `a packed plaintext of ${elements.length} elements, ${plaintext.length} bytes`)
  }
  return elements.map((element, i) => {
    try {
      return JSON.parse(utf8Decode(element)) as unknown
    } catch {
      return failCase('an element of a packed plaintext is not UTF-8 JSON (§7.10)', 'a JSON-RPC object',
        `element ${i + 1} of ${elements.length}: ${element.length} bytes`)
    }
  })
}
