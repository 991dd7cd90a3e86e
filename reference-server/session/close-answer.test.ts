/**
 * close-answer.ts under a real ws server (spec §7.9): a client's Close is answered 1000 normal
 * whatever it carried; ws's own close after a framing violation keeps its RFC 6455 §7.4.1 code;
 * the device's own closes (closeWith) go out as given.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSES } from '../../protocol/registry.ts'
import {
  closePayload,
  encodeFrame,
  OPCODE,
  upgrade,
  type RawSession,
} from '../../test-support/fuzz/raw-websocket.ts'
import { answeringWebSocket, closeWithEntry } from './close-answer.ts'

const TIMEOUT_MS = 2_000

async function serve(t: Test, echo: boolean, onSocket: (ws: WebSocket) => void = () => {}) {
  const WebSocket = answeringWebSocket(echo)
  const wss = new WebSocketServer({ noServer: true, skipUTF8Validation: true, WebSocket })
  const server = createServer()
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
    // ws reports a framing violation as an 'error' after closing with 1002.
    ws.on('error', () => {})
    onSocket(ws)
  }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return (server.address() as AddressInfo).port
}

async function open(port: number): Promise<RawSession> {
  const head = ['GET / HTTP/1.1', 'host: x', 'upgrade: websocket', 'connection: Upgrade',
    'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version: 13', '', '']
  const answer = await upgrade(port, Buffer.from(head.join('\r\n')), TIMEOUT_MS)
  if (!('session' in answer)) throw new Error(`not upgraded: ${answer.status}`)
  return answer.session
}

/** The code of the device's Close after the client sends `frame`. */
async function answerTo(port: number, frame: Buffer): Promise<number | null | undefined> {
  const session = await open(port)
  session.send(frame)
  await session.nextMessage(TIMEOUT_MS)
  await session.endAndWait(TIMEOUT_MS)
  return session.closeCode
}

const close = (code: number, reason: Uint8Array | string = '') => {
  const payload = typeof reason === 'string'
    ? closePayload(code, reason)
    : Buffer.concat([closePayload(code), reason])
  return encodeFrame({ opcode: OPCODE.close, payload })
}

t.test("a client's Close is answered 1000 normal, never echoed", async (t) => {
  const port = await serve(t, false)
  t.equal(await answerTo(port, close(4500, 'internal-error')), 1000, '4500')
  t.equal(await answerTo(port, close(4404, 'x')), 1000, '4404')
  t.equal(await answerTo(port, close(4000, 'not registered')), 1000, 'unregistered code and reason')
  const notUtf8 = new Uint8Array([0xff, 0xc3, 0x28])
  t.equal(await answerTo(port, close(4422, notUtf8)), 1000, 'reason not UTF-8')
  const empty = encodeFrame({ opcode: OPCODE.close, payload: new Uint8Array(0) })
  t.equal(await answerTo(port, empty), 1000, 'no code')
})

t.test('a framing violation keeps ws close 1002 (RFC 6455 §7.4.1)', async (t) => {
  const port = await serve(t, false)
  const unmasked = encodeFrame({ opcode: OPCODE.binary, payload: new Uint8Array(4), masked: false })
  t.equal(await answerTo(port, unmasked), 1002, 'unmasked')
  t.equal(await answerTo(port, close(1005)), 1002, 'a code no endpoint may send')
})

t.test("the device's own close goes out as given; the echo fault echoes", async (t) => {
  const own = await serve(t, false, (ws) => closeWithEntry(ws, CLOSES.frameAuthFailed))
  const session = await open(own)
  await session.nextMessage(TIMEOUT_MS)
  t.equal(session.closeCode, CLOSES.frameAuthFailed.code)
  await session.endAndWait(TIMEOUT_MS)
  const echoing = await serve(t, true)
  t.equal(await answerTo(echoing, close(4500, 'internal-error')), 4500, 'fault echo-client-close')
})
