/**
 * A raw HTTP/1.1 connection for the cases an HTTP client library cannot express (spec §10): a
 * request head announcing a body that never comes, a chunked body that keeps growing, or many
 * requests held open at once. The harness writes the bytes itself and parses the device's answer
 * (status line, headers, a Content-Length or chunked body). Every wait has a timeout.
 */
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { HttpResponse } from './http.ts'

const HEAD_END = '\r\n\r\n'

export interface RawRequestHead {
  readonly method: string
  readonly path: string
  /** Header lines without the Host line, e.g. ['content-length: 10']. */
  readonly headers: readonly string[]
}

function parseChunked(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at)
    if (lineEnd < 0) return undefined
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16)
    if (Number.isNaN(size)) return Buffer.concat(parts)
    if (size === 0) return Buffer.concat(parts)
    if (body.length < lineEnd + 2 + size + 2) return undefined
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}

/** The answer in `data`, once complete (or once the connection closed, whatever arrived). */
export function parseResponse(data: Buffer, closed: boolean): HttpResponse | undefined {
  const headEnd = data.indexOf(HEAD_END)
  if (headEnd < 0) return undefined
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.[01] ([0-9]{3})/.exec(statusLine)?.[1] ?? NaN)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const rest = data.subarray(headEnd + HEAD_END.length)
  let body: Buffer | undefined
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) body = parseChunked(rest)
  else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length'])
    body = rest.length >= length ? rest.subarray(0, length) : undefined
  } else body = closed ? rest : undefined
  if (body === undefined && !closed) return undefined
  const bodyText = (body ?? rest).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(bodyText) as unknown
  } catch {
    json = undefined
  }
  return { status, headers, bodyText, json }
}

/** One TCP (or TLS) connection to the device, written byte by byte by the case. */
export class RawConnection {
  private data = Buffer.alloc(0)
  private closed = false
  private error: Error | undefined
  private waiters: (() => void)[] = []

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk])
      this.wake()
    })
    socket.on('error', (error) => {
      this.error = error
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
  }

  static open(url: string, timeoutMs: number): Promise<RawConnection> {
    const { hostname, port, protocol } = new URL(url)
    const host = hostname.replace(/^\[|\]$/g, '')
    const secure = protocol === 'https:'
    const socket = secure
      ? tlsConnect({ host, port: Number(port || 443), servername: host, rejectUnauthorized: false })
      : netConnect({ host, port: Number(port || 80) })
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`connect timeout after ${timeoutMs} ms`))
      }, timeoutMs)
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        resolve(new RawConnection(socket))
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Sends the request line, Host and the given header lines, and the empty line. */
  writeHead(head: RawRequestHead, host: string): Promise<boolean> {
    const lines = [`${head.method} ${head.path} HTTP/1.1`, `host: ${host}`, ...head.headers]
    const text = [...lines, '', ''].join('\r\n')
    return this.write(Buffer.from(text, 'latin1'))
  }

  /** Writes bytes, waiting for the socket to drain; resolves false once the connection failed. */
  write(bytes: Uint8Array): Promise<boolean> {
    if (this.isClosed || this.socket.destroyed) return Promise.resolve(false)
    return new Promise((resolve) => {
      this.socket.write(bytes, (error) => resolve(error == null))
    })
  }

  /** The answer so far, if complete. */
  response(): HttpResponse | undefined {
    return parseResponse(this.data, this.closed || this.error !== undefined)
  }

  get isClosed(): boolean {
    return this.closed || this.error !== undefined
  }

  /** Waits for a complete answer; undefined on timeout or when the device closed without one. */
  async waitResponse(timeoutMs: number): Promise<HttpResponse | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const res = this.response()
      if (res !== undefined || this.isClosed) return res
      const left = deadline - Date.now()
      if (left <= 0) return undefined
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  close(): void {
    this.socket.destroy()
  }
}

/** The Host header value of a device URL. */
export function hostOf(url: string): string {
  return new URL(url).host
}
