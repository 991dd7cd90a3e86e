/**
 * HTTP/1.1 at the byte level for the fuzz test: requests are written exactly as built (so headers
 * can lie, repeat or overflow, and bodies can be cut), the connection is half-closed after them,
 * and every response the device writes before it closes the connection is parsed back
 * (RFC 9112 §6: Content-Length, chunked, or no body for HEAD, 1xx, 204 and 304).
 */
import { connect } from 'node:net'

export interface RawRequest {
  readonly method: string
  /** The request target, sent as is. */
  readonly target: string
  /** Header lines in order; repeated names are sent repeatedly. */
  readonly headers: readonly (readonly [string, string])[]
  readonly body: Uint8Array
}

export interface RawResponse {
  readonly status: number
  /** Lowercased names; a repeated field keeps its last value. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The answer to HEAD: the fields of a body that is not sent (RFC 9110 §9.3.2). */
  readonly headOnly: boolean
}

export function encodeRequest(request: RawRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`]
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1')
  return Buffer.concat([head, request.body])
}

/**
 * Writes `bytes` on a new connection, half-closes it, and resolves with everything received
 * until the device closes; rejects when it has not closed within `timeoutMs`.
 */
export function exchange(port: number, bytes: Uint8Array, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`the connection was still open after ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    // A reset after the answer (the device cutting an unread body) still ends the exchange.
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
    socket.end(bytes)
  })
}

const NO_BODY_STATUSES = new Set([204, 304])

function parseHead(text: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...fieldLines] = text.split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine + ' ')
  if (match === null) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`)
  const headers: Record<string, string> = {}
  for (const line of fieldLines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(match[1]), headers }
}

/** RFC 9112 §7.1: the chunks' data, and the offset after the last chunk. */
function dechunk(bytes: Buffer, start: number): { body: Buffer; end: number } {
  const parts: Buffer[] = []
  let at = start
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at)
    if (lineEnd === -1) throw new Error('truncated chunked body')
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16)
    at = lineEnd + 2
    if (size === 0) return { body: Buffer.concat(parts), end: bytes.indexOf('\r\n', at) + 2 }
    parts.push(bytes.subarray(at, at + size))
    at += size + 2
  }
}

/** The body starting at `at`, framed as RFC 9112 §6.3 says, and the offset after it. */
function bodyOf(bytes: Buffer, at: number, headers: Record<string, string>, bodiless: boolean) {
  if (bodiless) return { body: Buffer.alloc(0), end: at }
  if (headers['transfer-encoding'] === 'chunked') return dechunk(bytes, at)
  const declared = headers['content-length']
  const end = declared === undefined ? bytes.length : at + Number(declared)
  return { body: bytes.subarray(at, end), end }
}

/** Every response in `bytes`, in order; `method` is the request's (HEAD answers have no body). */
export function parseResponses(bytes: Buffer, method: string): RawResponse[] {
  const responses: RawResponse[] = []
  let at = 0
  let answered = false
  while (at < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', at)
    if (headEnd === -1) throw new Error('truncated response head')
    const { status, headers } = parseHead(bytes.subarray(at, headEnd).toString('latin1'))
    const final = status >= 200
    // Only the first final response can answer HEAD (later ones answer the bytes after the
    // request), and not when a body follows it: then the device could not parse the request.
    const next = bytes.subarray(headEnd + 4, headEnd + 9).toString('latin1')
    const headOnly = method === 'HEAD' && final && !answered && (next === '' || next === 'HTTP/')
    answered ||= final
    const bodiless = headOnly || !final || NO_BODY_STATUSES.has(status)
    const { body, end } = bodyOf(bytes, headEnd + 4, headers, bodiless)
    at = end
    responses.push({ status, headers, body: body.toString('utf8'), headOnly })
  }
  return responses
}
