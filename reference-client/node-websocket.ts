/**
 * The Node fallback WebSocket (Node 20 has no global one): the `ws` package, plus what a browser
 * cannot do, reading the body of a refused upgrade, so that a 401 ticket-invalid answer
 * (spec §7.2) reaches the caller as that problem instead of a bare connection failure.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import WebSocket from 'ws'
import { ClientError } from './errors.ts'
import { problemFromBody } from './http.ts'
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

export const nodeSocketFactory: SocketFactory = (url, refuse) => {
  // Frames are ciphertext, which does not compress: permessage-deflate is not even offered.
  const socket = new WebSocket(url, { perMessageDeflate: false })
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
