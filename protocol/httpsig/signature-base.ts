/**
 * The signature base of RFC 9421 §2.5: one line `"<component identifier>": <value>` per covered
 * component, in the order covered, then `"@signature-params": <Signature-Input member>`, lines
 * joined by LF with no trailing LF. The "@signature-params" value is the re-serialized Inner List
 * (§2.3), so it keeps the parameter order the signer chose.
 */
import { utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import { componentValue } from './components.ts'
import type { HttpRequest } from './request.ts'
import { serializeInnerList, serializeStringItem, type InnerList } from './structured-fields.ts'

export function signatureBase(request: HttpRequest, input: InnerList): Uint8Array {
  const lines: string[] = []
  const seen = new Set<string>()
  for (const item of input.items) {
    // §2.5 step 2.1: the serialized identifier, which is also the key for the duplicate check.
    const identifier = serializeStringItem(item)
    if (seen.has(identifier)) {
      throw new ProtocolError('malformed-signature', `component ${identifier} covered twice`)
    }
    seen.add(identifier)
    lines.push(`${identifier}: ${componentValue(request, item)}`)
  }
  lines.push(`"@signature-params": ${serializeInnerList(input)}`)
  return utf8Encode(lines.join('\n'))
}
