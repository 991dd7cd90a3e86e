/**
 * The Node fallback WebSocket (Node 20 has no global one): the `ws` package, plus what a browser
 * cannot do, reading the body of a refused upgrade, so that a 401 ticket-invalid answer
 * (spec §7.2) reaches the caller as that problem instead of a bare connection failure, and
 * telling a framing failure of the device (spec §7.9 pw-sess-7.9-client-framing) from its close.
 */
import { isUtf8 } from 'node:buffer'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import WebSocket from 'ws'
import { ClientError } from './errors.ts'
import { problemFromBody } from './http.ts'
import { clientFault } from './faults.ts'
import type { RawSocket, SocketFactory } from './platform.ts'

// A problem body is a few hundred bytes; a refusal larger than this is read no further.
const MAX_REFUSAL_BYTES = 16_384

function readRefusal(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'))
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_REFUSAL_BYTES) chunks.push(chunk)
      else response.destroy()
    })
    response.on('end', done)
    response.on('close', done)
    response.on('error', done)
  })
}

/**
 * Frames sent in one turn of the event loop (the next requests a batch of answers lets through)
 * leave in one write instead of a writev each: the connection is corked at the first send and
 * uncorked by process.nextTick, which runs once the current callback and its microtasks are
 * done, so a lone request is not held back. The connection is the response's socket of the
 * 'upgrade' event, which ws emits before 'open'.
 */
function corkPerTurn(socket: WebSocket): void {
  let connection: Duplex | null = null
  let corked = false
  const uncork = () => {
    corked = false
    connection!.uncork()
  }
  socket.once('upgrade', (response) => (connection = response.socket))
  const send = socket.send.bind(socket)
  socket.send = ((data: Uint8Array) => {
    if (connection !== null && !corked) {
      corked = true
      connection.cork()
      process.nextTick(uncork)
    }
    send(data)
  }) as typeof socket.send
}

// RFC 6455 §7.4.1: invalid frame payload data, the code of a Close reason that is not UTF-8.
const INVALID_PAYLOAD = 1007

/**
 * ws with the UTF-8 check of RFC 6455 §8.1 where Pairwire wants it. Spec §7.5 closes any text
 * message 4400, UTF-8 or not, so ws's own validation is off (it would fail a non-UTF-8 text
 * message with 1007 first); it then no longer checks Close reasons either, and this class
 * does. ws 8's receiver closes through close(): close(code) alone after a framing violation it
 * detected (1002, 1009), close(code, reason bytes) to answer the device's Close; the client's
 * own closes pass a string reason (socket-channel.ts), so the three are told apart here.
 */
export class CheckedWebSocket extends WebSocket {
  onFramingFailure: (why: string) => void = () => {}

  override close(code?: number, data?: string | Buffer): void {
    if (Buffer.isBuffer(data) && !isUtf8(data) && !clientFault('accept-close-reason-not-utf8')) {
      this.onFramingFailure('a Close reason that is not UTF-8')
      return super.close(INVALID_PAYLOAD)
    }
    if (code !== undefined && data === undefined) this.onFramingFailure(`ws closed ${code}`)
    super.close(code, data)
  }
}

export const nodeSocketFactory: SocketFactory = (url, refuse, headers) => {
  // Frames are ciphertext, which does not compress: permessage-deflate is not even offered.
  const validate = clientFault('close-1007-on-text')
  const options = { perMessageDeflate: false, skipUTF8Validation: !validate, ...(headers && { headers }) }
  const socket = new CheckedWebSocket(url, options)
  if (!clientFault('framing-failure-as-lost-connection')) {
    socket.onFramingFailure = (why) => refuse(ClientError.verification('websocket-framing', why))
  }
  corkPerTurn(socket)
  socket.on('unexpected-response', (_request, response) => {
    void readRefusal(response).then((text) => {
      const status = response.statusCode ?? 0
      const problem = problemFromBody(status, response.headers['content-type'], text)
      refuse(ClientError.problem(problem, response.headers['retry-after']))
      socket.terminate()
    })
  })
  return socket as unknown as RawSocket
}
