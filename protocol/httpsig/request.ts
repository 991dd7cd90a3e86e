/**
 * The request model the HTTP signature code works on (RFC 9421 §1.1 "HTTP message"), with no I/O:
 * the server builds it from what it received, the client from what it is about to send. Field
 * names are case-insensitive (RFC 9110 §5.1); a field may arrive as several field lines.
 */

export type FieldValue = string | readonly string[] | undefined

export interface HttpRequest {
  readonly method: string
  /** The absolute target URI, e.g. https://example.com/foo?x=1 (RFC 9110 §7.1). */
  readonly url: string
  /** Field lines by name; names in any case. An undefined value means the field is absent. */
  readonly headers: Readonly<Record<string, FieldValue>>
  readonly body?: Uint8Array
}

// RFC 9110 §5.5: OWS around a field line value is not part of the value.
const surroundingOws = /^[ \t]+|[ \t]+$/g

/**
 * The value of a field as RFC 9421 §2.1 covers it: every field line of that name, in order, with
 * surrounding whitespace removed, joined by ", ". Undefined when the request has no such line.
 */
export function fieldValue(request: HttpRequest, lowercaseName: string): string | undefined {
  const lines: string[] = []
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.toLowerCase() !== lowercaseName) continue
    lines.push(...(typeof value === 'string' ? [value] : value))
  }
  if (lines.length === 0) return undefined
  return lines.map((line) => line.replace(surroundingOws, '')).join(', ')
}

/** A request "has a body" when it carries at least one byte of content (spec §8). */
export function hasBody(request: HttpRequest): request is HttpRequest & { body: Uint8Array } {
  return request.body !== undefined && request.body.length > 0
}
