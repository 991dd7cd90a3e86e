/**
 * One WebSocket as the session uses it (spec §7): frames in order, binary as bytes and text as a
 * string (so that a text frame can be refused, not mistaken for data), a close that records the
 * code this side sent, and nothing delivered once this side has started closing, so a frame after
 * a failed one is never seen (spec §7.5).
 */
import { ClientError, socketClosedError, type CloseInfo } from './errors.ts'
import type { RawSocket, SocketFactory } from './platform.ts'

export type Frame = Uint8Array | string

function frameOf(data: unknown): Frame {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  // binaryType is 'arraybuffer' or 'nodebuffer'; anything else is not a frame this side can read.
  return ''
}

export class SocketChannel {
  /** Settles when the socket opens, or rejects with why it could not. */
  readonly opened: Promise<void>
  /** The close code and reason: the ones this side sent, or the device's. Never rejects. */
  readonly closed: Promise<CloseInfo>
  readonly #socket: RawSocket
  readonly #queue: Frame[] = []
  #onFrame: ((frame: Frame) => void) | null = null
  #waiter: ((frame: Frame) => void) | null = null
  #refusal: ClientError | null = null
  #localClose: CloseInfo | null = null
  #isOpen = false
  #isClosed = false

  constructor(factory: SocketFactory, url: string, headers?: Readonly<Record<string, string>>) {
    let opened!: () => void
    let failed!: (error: ClientError) => void
    let closed!: (info: CloseInfo) => void
    this.opened = new Promise((resolve, reject) => ((opened = resolve), (failed = reject)))
    this.closed = new Promise((resolve) => (closed = resolve))
    this.#socket = factory(url, (error) => (this.#refusal ??= error), headers)
    // A browser's default, Blob, cannot be read synchronously. ws's default, 'nodebuffer', is
    // kept: its frames are already Uint8Arrays, where an ArrayBuffer would copy every frame.
    if (this.#socket.binaryType !== 'nodebuffer') this.#socket.binaryType = 'arraybuffer'
    this.#socket.addEventListener('open', () => ((this.#isOpen = true), opened()))
    // An error is always followed by a close, which is where it is handled.
    this.#socket.addEventListener('error', () => {})
    this.#socket.addEventListener('message', (event) => this.#receive(frameOf(event.data)))
    this.#socket.addEventListener('close', (event) => {
      this.#isClosed = true
      if (!this.#isOpen) failed(this.#refusal ?? ClientError.transport('the WebSocket did not open'))
      closed(this.#localClose ?? { code: event.code, reason: event.reason })
    })
  }

  /** True once this side closed or the socket is closed: nothing more is delivered. */
  get closing(): boolean {
    return this.#localClose !== null || this.#isClosed
  }

  /**
   * Why the session ended, given the close `closed` settled with: the framing failure the
   * platform reported after the socket opened (spec §7.9, exit 2 of §12.3), else the device's
   * close or a lost connection.
   */
  endError(info: CloseInfo): ClientError {
    return this.#isOpen && this.#refusal !== null ? this.#refusal : socketClosedError(info)
  }

  /** Receives every later frame, and the ones that arrived before this call, in order. */
  onFrame(handler: (frame: Frame) => void): void {
    this.#onFrame = handler
    for (let frame = this.#queue.shift(); frame !== undefined; frame = this.#queue.shift()) {
      if (this.closing) return
      handler(frame)
    }
  }

  /** The next frame, for the handshake; frames after it wait for `onFrame`. */
  nextFrame(): Promise<Frame> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    return new Promise((resolve) => (this.#waiter = resolve))
  }

  send(bytes: Uint8Array): void {
    if (!this.closing) this.#socket.send(bytes)
  }

  /** Closes with `code` and `reason` (RFC 6455 §7.1.2); only the first call has an effect. */
  close(code: number, reason: string): void {
    if (this.closing) return
    this.#localClose = { code, reason }
    this.#socket.close(code, reason)
  }

  #receive(frame: Frame): void {
    if (this.closing) return
    const waiter = this.#waiter
    this.#waiter = null
    if (waiter !== null) waiter(frame)
    else if (this.#onFrame === null) this.#queue.push(frame)
    else this.#onFrame(frame)
  }
}
