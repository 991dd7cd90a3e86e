/**
 * One session WebSocket after the gate (spec §7.3 - §7.9), from the device's side:
 *
 *   handshake  the first frame is Noise message 1, which responder.ts answers with message 2 or
 *              refuses with a close entry. No data frame leaves the device before message 2.
 *   transport  each frame is one Noise transport message carrying one JSON-RPC 2.0 object, or,
 *              when the client offered json_seq and the device accepted, a packed plaintext of
 *              several (§7.10); the answers and the device's notifications go back sealed, those
 *              made in one turn of the event loop packed together when the client offered.
 *
 * close() is the one place a session is closed, always with a registry close entry (its code and
 * reason). Once it runs nothing more is read or delivered: a frame that fails authentication ends
 * the session before anything of it, or of any frame after it, reaches the dispatcher (§7.5).
 */
import type { Duplex } from 'node:stream'
import { WebSocket, type RawData } from 'ws'
import { utf8Encode } from '../../protocol/encoding.ts'
import { isPacked, splitPacked, TurnPacker } from '../../protocol/json-seq.ts'
import type { NoiseTransport } from '../../protocol/noise/index.ts'
import { CLOSES, METHODS, RPC_ERRORS, SIZES, type CloseEntry } from '../../protocol/registry.ts'
import type { RpcCaller, ServerContext } from '../context.ts'
import { dispatchRpcText, JSONRPC_VERSION, rpcError, type RpcResponse } from '../rpc/index.ts'
import type { ClientRecord } from '../store/store.ts'
import { closeWithEntry } from './close-answer.ts'
import { Outbox, OUTBOX_LIMIT } from './outbox.ts'
import type { LiveSession } from './registry.ts'
import { respond } from './responder.ts'

/** §7.5: message 1 is at least e (32 bytes) and a tag; a transport message at least a tag. */
const MIN_MESSAGE_1 = SIZES.x25519Key + SIZES.aeadTag
const MIN_TRANSPORT = SIZES.aeadTag
/** After a close frame, how long the peer has to answer before the socket is cut. */
export const CLOSE_GRACE_MS = 1000

type Phase = 'handshake' | 'transport' | 'closed'

/**
 * The UTF-8 JSON text of an outgoing message, or undefined when it cannot be serialized: an echo
 * of params nested thousands deep overflows JSON.stringify's stack. The caller answers -32603 as
 * for a response too large (§7.6), never a 4500 close (§7.9).
 */
function serializable(message: object): Uint8Array | undefined {
  try {
    return utf8Encode(JSON.stringify(message))
  } catch {
    return undefined
  }
}

export class Session implements LiveSession {
  readonly clientId: string
  readonly ended: Promise<void>
  readonly #ws: WebSocket
  readonly #ctx: ServerContext
  /** The client's pairing key (base64url), Noise's psk; the only part of its record kept. */
  readonly #pairingKey: string
  readonly #outbox: Outbox
  readonly #caller: RpcCaller
  readonly #remote: string | null
  #phase: Phase = 'handshake'
  #transport: NoiseTransport | null = null
  #sessionId: string | null = null
  /** The largest frame the client accepts (its handshake payload). */
  #peerMaxFrame: number = SIZES.noiseMaxMessage
  /** §7.10: the client offered json_seq and the device accepted: packing goes both ways. */
  #packed = false
  /** §7.10: when packing, what one turn of the event loop sends is sealed together. */
  #packer: TurnPacker | null = null
  /** Dropped once cleared, so an established session does not keep it (or its closure). */
  #handshakeTimer: NodeJS.Timeout | null
  #pingTimer: NodeJS.Timeout | null = null
  #alive = true

  /**
   * `remote` is the client's address, for the audit log; `socket` the connection under `ws`, so
   * that the frames of one turn are written together (outbox.ts).
   */
  constructor(
    ws: WebSocket,
    client: ClientRecord,
    ctx: ServerContext,
    remote: string | null,
    socket?: Duplex,
  ) {
    this.clientId = client.client_id
    this.#remote = remote
    this.#ws = ws
    this.#ctx = ctx
    this.#pairingKey = client.pairing_key
    this.#outbox = new Outbox(ws, OUTBOX_LIMIT, socket)
    this.#caller = {
      clientId: this.clientId,
      notify: (method, params) => void this.notify(method, params),
    }
    this.ended = new Promise((resolve) =>
      ws.once('close', (code: number) => {
        this.#ended(code)
        resolve()
      }),
    )
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(data as Buffer, isBinary))
    ws.on('pong', () => (this.#alive = true))
    // ws reports protocol errors and socket resets here; it closes or destroys the socket itself.
    ws.on('error', (e: Error & { code?: string }) => {
      ctx.log.warn('session.socket-error', { client_id: this.clientId, error: e.code ?? e.name })
    })
    this.#handshakeTimer = setTimeout(
      () => this.close(CLOSES.handshakeTimeout),
      ctx.limits.handshake_timeout * 1000,
    )
    if (ctx.faults.has('notify-before-handshake')) this.#notifyInClear()
  }

  /**
   * The one place a session is closed ("close c" of spec §7.8): a Close frame with the entry's
   * code and reason (§7.9), nothing more delivered, and the socket cut if the client has not
   * completed the closing handshake within CLOSE_GRACE_MS.
   */
  close(entry: CloseEntry): boolean {
    if (this.#phase === 'closed') return false
    this.#phase = 'closed'
    this.#stopTimers()
    this.#record('session.close', { code: entry.code, by: 'device' })
    if (this.#ws.readyState === WebSocket.OPEN) closeWithEntry(this.#ws, entry)
    setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS).unref()
    return true
  }

  /** Sends a device → client notification (spec §7.6); only once the handshake is done. */
  notify(method: string, params: unknown): boolean {
    return this.#sendRpc({ jsonrpc: JSONRPC_VERSION, method, params })
  }

  #onFrame(data: Buffer, isBinary: boolean): void {
    if (this.#phase === 'closed') return
    this.#alive = true
    const handshake = this.#phase === 'handshake'
    try {
      // §7.5: binary only, and never shorter than the Noise message expected next.
      if (!isBinary || data.length < (handshake ? MIN_MESSAGE_1 : MIN_TRANSPORT)) {
        this.close(CLOSES.malformedFrame)
      } else if (handshake) {
        this.#handshake(data)
      } else {
        this.#receive(data)
      }
    } catch (e) {
      this.#failed(e)
    }
  }

  /** A bug, never the client's input: logged, and the session ends with internal-error. */
  #failed(e: unknown): void {
    this.#ctx.log.error('session.internal-error', { client_id: this.clientId, error: String(e) })
    this.close(CLOSES.internalError)
  }

  /** §7.4: message 1 in, message 2 out, then Split() into the transport (responder.ts). */
  #handshake(message1: Uint8Array): void {
    this.#stopHandshakeTimer()
    const response = respond(message1, this.#ctx, this.clientId, this.#pairingKey)
    if (!response.ok) {
      // Fault explain-handshake-failure-in-clear sends a JSON text frame saying why message 1
      // was refused, which §7.5 forbids: nothing but Close may follow a failure.
      if (response.ofMessage1 && this.#ctx.faults.has('explain-handshake-failure-in-clear')) {
        this.#ws.send(JSON.stringify({ error: response.close.reason, code: response.close.code }))
      }
      this.close(response.close)
      return
    }
    this.#sessionId = response.sessionId
    this.#peerMaxFrame = response.peerMaxFrame
    this.#packed = response.packed
    this.#transport = response.transport
    this.#phase = 'transport'
    this.#packer = this.#newPacker()
    this.#outbox.send(response.message2)
    this.#record('session.open', {})
    this.#startKeepalive()
  }

  /** §7.5: a transport frame; nothing of it is used unless it authenticates. */
  #receive(frame: Uint8Array): void {
    let plaintext: Uint8Array
    try {
      plaintext = this.#transport!.open(frame)
    } catch {
      if (!this.#ctx.faults.has('deliver-unauthenticated-frame')) this.close(CLOSES.frameAuthFailed)
      return
    }
    if (this.#packed && isPacked(plaintext)) this.#answerElements(splitPacked(plaintext))
    else void this.#answer(plaintext)
  }

  /**
   * §7.10: each element as the plaintext of a frame of its own, in order; more than 64 get one
   * -32600 and none is processed, as §7.6 answers a batch.
   */
  #answerElements(elements: Uint8Array[]): void {
    const { faults } = this.#ctx
    if (elements.length > SIZES.jsonSeqMaxElements && !faults.has('json-seq-no-element-cap')) {
      this.#sendRpc(rpcError(null, RPC_ERRORS.invalidRequest))
      return
    }
    const processed = faults.has('json-seq-first-element-only') ? elements.slice(0, 1) : elements
    for (const element of processed) void this.#answer(element)
  }

  async #answer(plaintext: Uint8Array): Promise<void> {
    try {
      const { rpcMethods, log } = this.#ctx
      const response = await dispatchRpcText(plaintext, this.#caller, rpcMethods, log)
      if (response !== null) this.#sendRpc(response)
    } catch (e) {
      this.#failed(e)
    }
  }

  /**
   * Seals one JSON-RPC object into a frame the client accepts (its max_frame). A response too
   * large for that becomes -32603 for the same id; a notification too large is not sent.
   */
  #sendRpc(message: RpcResponse | { jsonrpc: string; method: string; params: unknown }): boolean {
    if (this.#phase !== 'transport') return false
    let plaintext = serializable(message)
    if (plaintext === undefined || plaintext.length + SIZES.aeadTag > this.#peerMaxFrame) {
      this.#ctx.log.warn('session.message-too-large', { client_id: this.clientId })
      if (!('id' in message)) return false
      plaintext = utf8Encode(JSON.stringify(rpcError(message.id, RPC_ERRORS.internalError)))
    }
    if (this.#packer === null) this.#outbox.send(this.#transport!.seal(plaintext))
    else this.#packer.add(plaintext)
    return true
  }

  /**
   * §7.10: what one turn produces (the answers to every frame of one TCP read) is sealed together
   * once its microtasks are done, which is when process.nextTick runs; a session closed meanwhile
   * seals nothing more. Fault json-seq-to-non-offering packs for a client that did not offer,
   * json-seq-no-pack-cap packs more than 64 answers together.
   */
  #newPacker(): TurnPacker | null {
    const { faults } = this.#ctx
    if (!this.#packed && !faults.has('json-seq-to-non-offering')) return null
    const seal = (plaintext: Uint8Array) => {
      if (this.#phase === 'transport') this.#outbox.send(this.#transport!.seal(plaintext))
    }
    const maxElements = faults.has('json-seq-no-pack-cap') ? Infinity : SIZES.jsonSeqMaxElements
    return new TurnPacker((flush) => process.nextTick(flush), this.#peerMaxFrame - SIZES.aeadTag, seal, maxElements)
  }

  /** §7.7: RFC 6455 §5.5.2 pings every ping_interval; no pong or frame since the last → idle. */
  #startKeepalive(): void {
    this.#pingTimer = setInterval(() => {
      if (!this.#alive) {
        this.close(CLOSES.idleTimeout)
        return
      }
      this.#alive = false
      this.#ws.ping()
    }, this.#ctx.limits.ping_interval * 1000)
  }

  /** Fault notify-before-handshake: a notification in clear before message 2 (breaks §7.4). */
  #notifyInClear(): void {
    const info = { device_id: this.#ctx.identity.deviceId }
    const note = { jsonrpc: JSONRPC_VERSION, method: METHODS.deviceInfo, params: info }
    this.#outbox.send(utf8Encode(JSON.stringify(note)))
  }

  /** The socket is gone: by our close, the client's close, or a cut connection. */
  #ended(code: number): void {
    this.#stopTimers()
    if (this.#phase !== 'closed') {
      this.#phase = 'closed'
      this.#record('session.close', { code, by: 'client' })
    }
  }

  #stopTimers(): void {
    this.#stopHandshakeTimer()
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer)
  }

  #stopHandshakeTimer(): void {
    if (this.#handshakeTimer !== null) clearTimeout(this.#handshakeTimer)
    this.#handshakeTimer = null
  }

  /** Audit events of spec §9.4: ids, codes and the address, never a secret (§13.8). */
  #record(event: string, fields: Record<string, unknown>): void {
    const ids = { client_id: this.clientId, session_id: this.#sessionId, remote: this.#remote }
    const record = { ...ids, ...fields }
    this.#ctx.audit.record(event, record)
    this.#ctx.log.info(event, record)
  }
}
