/**
 * RFC 9457 problem details for every HTTP error of the device (spec §2.6, §11.1). The body is
 * built from the registry entry only, so a problem's type, title and status can never disagree;
 * sections that define extension members (attempts_remaining, spec §5) pass them as `extras`.
 * Both the HTTP endpoints and the pre-upgrade WebSocket gate answer through these functions.
 */
import type { ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { LABELS, PROBLEMS, problemType, type ProblemEntry } from '../protocol/registry.ts'

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  [extension: string]: unknown
}

export function problemBody(
  entry: ProblemEntry,
  extras: Record<string, unknown> = {},
): ProblemBody {
  return { type: problemType(entry), title: entry.title, status: entry.status, ...extras }
}

/** Headers a problem carries: Retry-After for 429 and 503 (spec §10), no caching. */
function problemHeaders(entry: ProblemEntry, bodyLength: number, options: ProblemOptions) {
  const { retryAfter } = options
  const headers: Record<string, string | number> = {
    ...options.headers,
    'content-type': LABELS.problemContentType,
    'content-length': bodyLength,
    'cache-control': 'no-store',
  }
  if (retryAfter !== undefined) headers['retry-after'] = Math.max(1, Math.ceil(retryAfter))
  else if (entry === PROBLEMS.rateLimited || entry === PROBLEMS.overloaded) headers['retry-after'] = 1
  return headers
}

export interface ProblemOptions {
  extras?: Record<string, unknown>
  /** Seconds until a retry may succeed (429, 503). */
  retryAfter?: number
  /** Further response headers the section requires (e.g. Sec-WebSocket-Version, spec §7.2). */
  headers?: Record<string, string>
}

export function sendProblem(res: ServerResponse, entry: ProblemEntry, options: ProblemOptions = {}): void {
  const body = JSON.stringify(problemBody(entry, options.extras))
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(entry.status, problemHeaders(entry, Buffer.byteLength(body), options))
  res.end(body)
}

/**
 * Answers a WebSocket upgrade request with a problem and closes the TCP connection, so no socket
 * is ever opened for an unauthenticated client (spec §7.2).
 */
export function rejectUpgrade(socket: Duplex, entry: ProblemEntry, options: ProblemOptions = {}): void {
  const body = JSON.stringify(problemBody(entry, options.extras))
  const headers = problemHeaders(entry, Buffer.byteLength(body), options)
  const head = [`HTTP/1.1 ${entry.status} ${entry.title}`, 'connection: close']
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`)
  socket.end(head.join('\r\n') + '\r\n\r\n' + body)
}
