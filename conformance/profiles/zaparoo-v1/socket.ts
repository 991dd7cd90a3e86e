/**
 * WebSocket driver of the zaparoo-v1 profile (spec/profiles/zaparoo-v1.md §5): connect to
 * /api/v0.1, queue every text frame and the close code, and speak the encrypted session from the
 * client side with per-direction counters (protocol/profiles/zaparoo-v1/frames.ts).
 */
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import { FrameCipher, sessionKeys } from '../../../protocol/profiles/zaparoo-v1/index.ts'
import { failCase } from '../../verdicts.ts'
import type { ProfileContext } from './context.ts'
import type { Paired } from './pairing.ts'

export const WS_PATH = '/api/v0.1'
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')

export class Socket {
  private readonly frames: string[] = []
  private waiters: (() => void)[] = []
  closeCode: number | undefined

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      if (!binary) this.frames.push(data.toString('utf8'))
      this.wake()
    })
    ws.on('close', (code) => {
      this.closeCode = code
      this.wake()
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text)
  }

  /** The next text frame, or undefined when the socket closed or `ms` passed first. */
  async next(ms: number): Promise<string | undefined> {
    const deadline = Date.now() + ms
    while (this.frames.length === 0 && this.closeCode === undefined && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now())
        this.waiters.push(() => (clearTimeout(timer), resolve()))
      })
    }
    return this.frames.shift()
  }

  /** Waits for the close; its code, or undefined when the socket stayed open for `ms`. */
  async closed(ms: number): Promise<number | undefined> {
    const deadline = Date.now() + ms
    while (this.closeCode === undefined && Date.now() < deadline) await this.next(deadline - Date.now())
    return this.closeCode
  }

  pending(): readonly string[] {
    return this.frames
  }
}

export async function connect(ctx: ProfileContext, step = 'connect'): Promise<Socket> {
  const url = `${ctx.url.replace(/^http/, 'ws')}${WS_PATH}`
  const ws = new WebSocket(url, { handshakeTimeout: ctx.timeoutMs })
  const socket = new Socket(ws)
  ctx.defer(() => ws.terminate())
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
  } catch (error) {
    ctx.record({ step: `${step}: GET ${WS_PATH}`, actual: String(error) })
    failCase(`the WebSocket upgrade failed: ${String(error)}`, 'an open socket', String(error))
  }
  return socket
}

/** An encrypted session from the client side. */
export class Session {
  readonly c2s: FrameCipher
  readonly s2c: FrameCipher

  constructor(readonly socket: Socket, readonly paired: Paired, readonly salt: Uint8Array = randomBytes(16)) {
    const k = sessionKeys(paired.pairingKey, salt)
    this.c2s = new FrameCipher(k.c2sKey, k.c2sBase, paired.authToken)
    this.s2c = new FrameCipher(k.s2cKey, k.s2cBase, paired.authToken)
  }

  /** The first frame `{"v":1,"e","t","s"}` carrying `plaintext`, as text. */
  firstFrame(plaintext: string): string {
    const e = b64(this.c2s.seal(utf8(plaintext)))
    return JSON.stringify({ v: 1, e, t: this.paired.authToken, s: b64(this.salt) })
  }

  frame(plaintext: string): string {
    return JSON.stringify({ e: b64(this.c2s.seal(utf8(plaintext))) })
  }

  /** Decrypts the next frame at the next s2c counter; undefined on close, timeout or bad tag. */
  async receive(ms: number): Promise<string | undefined> {
    const text = await this.socket.next(ms)
    if (text === undefined) return undefined
    try {
      const e = (JSON.parse(text) as { e?: unknown }).e
      if (typeof e !== 'string') return undefined
      return new TextDecoder().decode(this.s2c.open(Uint8Array.from(Buffer.from(e, 'base64'))))
    } catch {
      return undefined
    }
  }
}

export const rpc = (id: number, method: string): string => JSON.stringify({ jsonrpc: '2.0', method, id })

/** The id of a JSON-RPC answer, or undefined. */
export function answerId(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id
  } catch {
    return undefined
  }
}

/** Pairs nothing: opens a socket and an encrypted session for `paired`, calling `version`. */
export async function openSession(ctx: ProfileContext, paired: Paired, step = 'session'): Promise<Session> {
  const session = new Session(await connect(ctx, step), paired)
  session.socket.send(session.firstFrame(rpc(1, 'version')))
  const answer = await session.receive(ctx.timeoutMs)
  ctx.record({ step: `${step}: first frame (version)`, actual: answer === undefined ? 'no decryptable answer' : 'answer at s2c 0' })
  if (answerId(answer) !== 1) failCase('the first frame must open a session and answer at s2c 0', 'answer id 1', answer ?? 'none')
  return session
}
