/**
 * RFC 6455 at the byte level for the fuzz test: the opening handshake is written as built, client
 * frames are encoded exactly as asked (masked or not, any opcode, RSV bits, any length), and the
 * device's frames are decoded (§5.2): binary messages are queued and the first Close frame's code
 * is kept. A refused upgrade is parsed as the HTTP response it is.
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { parseResponses, type RawResponse } from './raw-http.ts'

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const

export interface FrameSpec {
  readonly opcode: number
  readonly payload: Uint8Array
  readonly fin?: boolean
  /** The three RSV bits (§5.2), 0 unless an extension says otherwise. */
  readonly rsv?: number
  /** §5.3: a client masks every frame; false writes a frame the device must refuse. */
  readonly masked?: boolean
}

/** §5.2: FIN, RSV, opcode; MASK and the 7, 7+16 or 7+64 bit length; the masking key; payload. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const { payload, fin = true, rsv = 0, masked = true } = spec
  const mask = masked ? 0x80 : 0
  const length = payload.length
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (spec.opcode & 0x0f)]
  if (length < 126) head.push(mask | length)
  else if (length < 0x10000) head.push(mask | 126, length >> 8, length & 0xff)
  else head.push(mask | 127, 0, 0, 0, 0, ...[24, 16, 8, 0].map((s) => (length >>> s) & 0xff))
  if (!masked) return Buffer.concat([Buffer.from(head), payload])
  const key = randomBytes(4)
  const body = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!))
  return Buffer.concat([Buffer.from(head), key, body])
}

/** A Close frame's payload (§5.5.1): the code, then a UTF-8 reason. */
export function closePayload(code: number, reason = ''): Uint8Array {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason))
  payload.writeUInt16BE(code)
  payload.write(reason, 2)
  return payload
}

/** One upgraded connection, seen from the client. */
export class RawSession {
  readonly #socket: Socket
  readonly #messages: Uint8Array[] = []
  readonly #wakers = new Set<() => void>()
  #buffer: Buffer = Buffer.alloc(0)
  #closed = false
  /** The device's first Close frame: its code, null for none; undefined before it came. */
  closeCode: number | null | undefined

  constructor(socket: Socket, leftover: Buffer) {
    this.#socket = socket
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('close', () => {
      this.#closed = true
      this.#wake()
    })
    this.#receive(leftover)
  }

  send(frame: Uint8Array): void {
    if (!this.#socket.destroyed) this.#socket.write(frame)
  }

  /** The next binary message; undefined once closed, or after `timeoutMs` without one. */
  async nextMessage(timeoutMs: number): Promise<Uint8Array | undefined> {
    await this.#until(() => this.#messages.length > 0 || this.#isOver(), timeoutMs)
    return this.#messages.shift()
  }

  /**
   * Ends the client's side of the TCP connection (after its Close frame) and waits for the device
   * to end its side; false when it has not after `timeoutMs`.
   */
  async endAndWait(timeoutMs: number): Promise<boolean> {
    this.#socket.end()
    await this.#until(() => this.#closed, timeoutMs)
    if (!this.#closed) this.#socket.destroy()
    return this.#closed
  }

  #isOver(): boolean {
    return this.#closed || this.closeCode !== undefined
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (let frame = this.#nextFrame(); frame !== undefined; frame = this.#nextFrame()) {
      if (frame.opcode === OPCODE.binary) this.#messages.push(frame.payload)
      if (frame.opcode === OPCODE.close && this.closeCode === undefined) {
        this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : null
      }
    }
    this.#wake()
  }

  /** Takes one complete unmasked device frame off the buffer (§5.1: a server never masks). */
  #nextFrame(): { opcode: number; payload: Buffer } | undefined {
    const b = this.#buffer
    if (b.length < 2) return undefined
    const short = b[1]! & 0x7f
    const headLength = short === 126 ? 4 : short === 127 ? 10 : 2
    if (b.length < headLength) return undefined
    const length =
      short === 126 ? b.readUInt16BE(2) : short === 127 ? Number(b.readBigUInt64BE(2)) : short
    if (b.length < headLength + length) return undefined
    this.#buffer = b.subarray(headLength + length)
    return { opcode: b[0]! & 0x0f, payload: b.subarray(headLength, headLength + length) }
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake()
  }

  #until(ready: () => boolean, timeoutMs: number): Promise<void> {
    if (ready()) return Promise.resolve()
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return
        clearTimeout(timer)
        this.#wakers.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#wakers.delete(check)
        resolve()
      }, timeoutMs)
      this.#wakers.add(check)
    })
  }
}

export type UpgradeAnswer =
  | { readonly status: 101; readonly session: RawSession }
  | { readonly status: number; readonly response: RawResponse | undefined }

/** Writes an opening handshake; resolves with the session, or the refusal once it is complete. */
export function upgrade(
  port: number,
  request: Uint8Array,
  timeoutMs: number,
): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer to the upgrade within ${timeoutMs} ms`))
    }, timeoutMs)
    let upgraded = false
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const headEnd = received.indexOf('\r\n\r\n')
      if (headEnd === -1 || !received.subarray(0, 13).equals(Buffer.from('HTTP/1.1 101 '))) return
      upgraded = true
      clearTimeout(timer)
      socket.off('data', onData)
      resolve({ status: 101, session: new RawSession(socket, received.subarray(headEnd + 4)) })
    }
    socket.on('data', onData)
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      if (upgraded) return
      try {
        const [response] = parseResponses(received, 'GET')
        resolve({ status: response?.status ?? 0, response })
      } catch (e) {
        reject(e)
      }
    })
    socket.write(request)
  })
}
