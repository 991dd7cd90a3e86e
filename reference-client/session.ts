/**
 * A Pairwire session after its handshake (spec §7.5, §7.6): JSON-RPC 2.0 in Noise transport
 * messages, both ways. Frames from the device are checked before anything in them is used: a text
 * frame or one shorter than a tag closes with malformed-frame, an oversize one with
 * frame-too-large, and one that fails authentication with frame-auth-failed (spec §7.9); after
 * that nothing more is delivered and every pending call is rejected with the reason. When the
 * device closes the session, its close code and reason reject what is pending.
 *
 * Packed plaintexts (spec §7.10): when the device answered json_seq, what the application sends
 * in one synchronous run (the requests a burst of answers sets off) is sealed together once its
 * microtasks are done; when we offered json_seq, a packed plaintext from the device is taken
 * element by element.
 */
import { utf8Encode } from '../protocol/encoding.ts'
import { isPacked, splitPacked, TurnPacker } from '../protocol/json-seq.ts'
import { AsyncNoiseTransport, type NoiseTransport } from '../protocol/noise/index.ts'
import { CLOSES, SIZES, type CloseEntry } from '../protocol/registry.ts'
import type { Message } from '../schemas/validate.ts'
import { ClientError, type CloseInfo, type VerificationStep } from './errors.ts'
import { CLIENT_MAX_FRAME, jsonOf, type Handshaken } from './handshake.ts'
import {
  classify,
  rpcNotification,
  rpcRequest,
  settle,
  type RpcParams,
  type RpcResponse,
} from './jsonrpc.ts'
import type { Frame, SocketChannel } from './socket-channel.ts'
import { clientFault } from './faults.ts'
import type { CipherState } from '../protocol/noise/index.ts'

export type NotificationListener = (method: string, params: unknown) => void

const TAG_BYTES = SIZES.aeadTag

interface Pending {
  resolve(response: RpcResponse): void
  reject(error: Error): void
}

export class Session {
  /** The device's handshake-device-payload (spec §7.4): session_id, max_frame, ping_interval. */
  readonly device: Message<'handshake-device-payload'>
  readonly closed: Promise<CloseInfo>
  readonly #channel: SocketChannel
  readonly #transport: NoiseTransport | AsyncNoiseTransport
  readonly #receiveCipher: CipherState | undefined
  readonly #pending = new Map<number, Pending>()
  readonly #listeners = new Set<NotificationListener>()
  #nextId = 1
  #failure: ClientError | null = null
  // The async (browser) transport only: one chain per direction (see #send and #receive).
  #sending: Promise<void> = Promise.resolve()
  #receiving: Promise<void> = Promise.resolve()
  /** §7.10: set when the device answered json_seq, so our sends may be packed. */
  readonly #packer: TurnPacker | null
  /** §7.10: we offered json_seq, so the device's plaintexts may be packed. */
  readonly #offered: boolean

  constructor(channel: SocketChannel, handshaken: Handshaken, listener?: NotificationListener) {
    this.device = handshaken.device
    this.#channel = channel
    this.#transport = handshaken.transport
    this.#receiveCipher = handshaken.receive
    // A session that failed meanwhile seals nothing more.
    const seal = (plaintext: Uint8Array) => {
      if (this.#failure === null) this.#seal(plaintext)
    }
    const maxPlaintext = handshaken.device.max_frame - TAG_BYTES
    // Called through a closure: a browser's queueMicrotask throws unless `this` is the window.
    const schedule = (flush: () => void) => queueMicrotask(flush)
    this.#packer = handshaken.device.json_seq === true ? new TurnPacker(schedule, maxPlaintext, seal) : null
    this.#offered = handshaken.offeredJsonSeq
    if (listener !== undefined) this.#listeners.add(listener)
    this.closed = channel.closed.then((info) => {
      this.#end(channel.endError(info))
      return info
    })
    channel.onFrame((frame) => this.#receive(frame))
  }

  /** Sends a request; resolves with the device's response object as received. */
  request(method: string, params?: RpcParams): Promise<RpcResponse> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++
      this.#send(rpcRequest(id, method, params))
      this.#pending.set(id, { resolve, reject })
    })
  }

  /** Calls `method`; resolves with its result, rejects with an RpcError or a ClientError. */
  async call(method: string, params?: RpcParams): Promise<unknown> {
    return settle(await this.request(method, params))
  }

  notify(method: string, params?: RpcParams): void {
    this.#send(rpcNotification(method, params))
  }

  /** Adds a listener for device notifications; returns the function that removes it. */
  onNotification(listener: NotificationListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Ends the session with a normal closure (spec §7.9). */
  close(): Promise<CloseInfo> {
    this.#closeWith(CLOSES.normal, ClientError.closed(CLOSES.normal))
    return this.closed
  }

  /** Seals one JSON-RPC object; throws when closed or when it exceeds the device's max_frame. */
  #send(message: object): void {
    if (this.#failure !== null) throw this.#failure
    const plaintext = utf8Encode(JSON.stringify(message))
    // Spec §7.5: a frame (plaintext + tag) never exceeds the receiver's max_frame.
    if (plaintext.length + TAG_BYTES > this.device.max_frame) {
      throw ClientError.usage('the message exceeds the max_frame of the device')
    }
    if (this.#packer === null) return this.#seal(plaintext)
    this.#packer.add(plaintext)
  }

  #seal(plaintext: Uint8Array): void {
    const transport = this.#transport
    if (!(transport instanceof AsyncNoiseTransport)) return this.#channel.send(transport.seal(plaintext))
    // Spec §7.5, Noise §5.1: the device's receive counter expects frames in the order of our
    // nonces. The transport seals in call order; chaining the sends in the same order keeps wire
    // order = nonce order. A session that ended meanwhile sends nothing more.
    const sealed = transport.seal(plaintext)
    this.#sending = this.#sending.then(async () => {
      const frame = await sealed.catch((cause: unknown) => {
        this.#closeWith(CLOSES.normal, ClientError.transport('sealing a frame failed', cause))
      })
      if (frame !== undefined && this.#failure === null) this.#channel.send(frame)
    })
  }

  #receive(frame: Frame): void {
    const transport = this.#transport
    if (transport instanceof AsyncNoiseTransport) {
      // Spec §7.5, Noise §5.1: n counts the device's frames, so they are checked, opened and
      // delivered strictly one after another in arrival order, each open awaited before the next
      // starts; after a refusal (or the end of the session) nothing queued is delivered. Sends
      // use the other CipherState, so interleaving them with receives cannot shift a nonce.
      this.#receiving = this.#receiving.then(() => this.#receiveAsync(transport, frame))
      return
    }
    const bytes = this.#admit(frame)
    if (bytes === undefined) return
    let plaintext: Uint8Array
    try {
      plaintext = transport.open(bytes)
    } catch (cause) {
      return this.#openFailed(bytes, cause)
    }
    this.#deliver(plaintext)
  }

  async #receiveAsync(transport: AsyncNoiseTransport, frame: Frame): Promise<void> {
    if (this.#failure !== null) return
    const bytes = this.#admit(frame)
    if (bytes === undefined) return
    let plaintext: Uint8Array
    try {
      plaintext = await transport.open(bytes)
    } catch (cause) {
      return this.#openFailed(bytes, cause)
    }
    if (this.#failure === null) this.#deliver(plaintext)
  }

  /** The checks before decryption (spec §7.9): the frame's bytes, or undefined when refused. */
  #admit(frame: Frame): Uint8Array | undefined {
    if (typeof frame === 'string' && clientFault('accept-text-frame')) return undefined
    if (typeof frame === 'string' || frame.length < TAG_BYTES) {
      this.#refuse(CLOSES.malformedFrame, 'frame')
      return undefined
    }
    if (frame.length > CLIENT_MAX_FRAME) {
      this.#refuse(CLOSES.frameTooLarge, 'frame')
      return undefined
    }
    return frame
  }

  #openFailed(frame: Uint8Array, cause: unknown): void {
    const skipped = this.#openSkipped(frame)
    if (skipped !== undefined) return this.#deliver(skipped)
    if (clientFault('ignore-bad-frame')) return
    return this.#refuse(CLOSES.frameAuthFailed, 'frame-auth', cause)
  }

  /** The accept-counter-skip fault switch: a frame that fails at n is tried at n + 1. */
  #openSkipped(frame: Uint8Array): Uint8Array | undefined {
    const receive = this.#receiveCipher
    const transport = this.#transport
    // Only the synchronous transport exposes its CipherState for this switch.
    if (!clientFault('accept-counter-skip') || receive === undefined) return undefined
    if (transport instanceof AsyncNoiseTransport) return undefined
    const n = receive.nonce
    receive.setNonce(n + 1n)
    try {
      return transport.open(frame)
    } catch {
      receive.setNonce(n)
      return undefined
    }
  }

  /** One authenticated plaintext: one JSON value (§7.6), or the elements of a packed one (§7.10). */
  #deliver(plaintext: Uint8Array): void {
    if (!this.#offered || !isPacked(plaintext)) return this.#dispatch(jsonOf(plaintext))
    const elements = splitPacked(plaintext)
    const taken = clientFault('json-seq-first-element-only') ? elements.slice(0, 1) : elements
    for (const element of taken) this.#dispatch(jsonOf(element))
  }

  #dispatch(value: unknown): void {
    const incoming = classify(value)
    if (incoming.kind === 'notification') {
      const { method, params } = incoming.message
      for (const listener of this.#listeners) listener(method, params)
    } else if (incoming.kind === 'response') {
      const { id } = incoming.message
      const taken = clientFault('take-unmatched-response') ? this.#pending.keys().next().value : id
      const pending = typeof taken === 'number' ? this.#pending.get(taken) : undefined
      if (pending === undefined) return
      this.#pending.delete(taken as number)
      pending.resolve(incoming.message)
    }
  }

  #refuse(close: CloseEntry, what: VerificationStep, cause?: unknown): void {
    const code = clientFault('close-normal-on-failure') ? CLOSES.normal : close
    this.#closeWith(code, ClientError.verification(what, cause))
  }

  #closeWith(close: CloseEntry, error: ClientError): void {
    this.#end(error)
    this.#channel.close(close.code, close.reason)
  }

  /** Records why the session ended (the first reason wins) and rejects every pending call. */
  #end(error: ClientError): void {
    this.#failure ??= error
    for (const pending of this.#pending.values()) pending.reject(this.#failure)
    this.#pending.clear()
  }
}
