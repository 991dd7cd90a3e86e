/**
 * The encrypted WebSocket of the zaparoo-v1 emulator (spec/profiles/zaparoo-v1.md §5, facts §3):
 * first-frame detection on every frame until a session exists, -32001 / -32002 as plaintext then
 * close, silent close for every other failure, per-direction counters, ping/pong, and plaintext
 * broadcasts to every socket without a session (facts §6.1) unless the fix switch is on.
 */
import type { WebSocket } from 'ws'
import { gcm } from '@noble/ciphers/aes.js'
import {
  frameAad,
  FrameCipher,
  frameNonce,
  sessionKeys,
  type SessionKeys,
} from '../../protocol/profiles/zaparoo-v1/index.ts'
import { decodeStdBase64, type Client } from './pairing.ts'
import type { Fault, Fix } from './switches.ts'

/** Facts §3.7: 200 salts remembered per client, oldest evicted. */
export const SALTS_PER_CLIENT = 200

interface Encrypted {
  readonly c2s: FrameCipher
  readonly s2c: { seal(p: Uint8Array): Uint8Array }
}

export interface WsDeps {
  readonly faults: ReadonlySet<Fault>
  readonly fixes: ReadonlySet<Fix>
  readonly clientByToken: (token: string) => Client | undefined
  /** JSON-RPC over a plaintext or encrypted session; undefined for no answer. */
  readonly dispatch: (request: unknown, local: boolean) => object | undefined
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const PLAINTEXT_REQUIRED = {
  error: { message: 'encryption required for remote connections', code: -32002 },
  jsonrpc: '2.0',
  id: null,
}
const UNSUPPORTED = {
  error: { data: { supported: [1] }, message: 'unsupported encryption version', code: -32001 },
  jsonrpc: '2.0',
  id: null,
}

/** s2c sealing; the faults break the nonce or the counter on purpose. */
function s2cCipher(k: SessionKeys, token: string, faults: ReadonlySet<Fault>) {
  let counter = 0n
  return {
    seal(plaintext: Uint8Array, isPong = false): Uint8Array {
      const nonce = faults.has('nonce-no-xor') ? k.s2cBase : frameNonce(k.s2cBase, counter)
      const out = gcm(k.s2cKey, nonce, frameAad(token)).encrypt(plaintext)
      if (!(isPong && faults.has('pong-no-counter'))) counter += 1n
      return out
    },
  }
}

function firstFrame(data: unknown): { v: number; e: string; t: string; s: string } | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const o = data as Record<string, unknown>
  const strings = ['e', 't', 's'].every((k) => typeof o[k] === 'string' && o[k] !== '')
  if (!strings || !Number.isInteger(o['v']) || (o['v'] as number) <= 0) return undefined
  return o as { v: number; e: string; t: string; s: string }
}

export class SocketHub {
  private readonly plain = new Set<WebSocket>()
  private readonly sessions = new Map<WebSocket, Encrypted & { s2c: ReturnType<typeof s2cCipher> }>()
  private readonly salts = new Map<string, string[]>()

  constructor(private readonly deps: WsDeps) {}

  attach(ws: WebSocket, local: boolean): void {
    this.plain.add(ws)
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      this.onText(ws, data.toString('utf8'), local)
    })
    ws.on('close', () => {
      this.plain.delete(ws)
      this.sessions.delete(ws)
    })
  }

  /** Notifications: encrypted per session, plaintext to sockets without one (facts §6.1). */
  broadcast(notification: object): void {
    const text = JSON.stringify(notification)
    for (const [ws, s] of this.sessions) ws.send(JSON.stringify({ e: b64(s.s2c.seal(utf8(text))) }))
    if (this.deps.fixes.has('no-plaintext-broadcast')) return
    for (const ws of this.plain) if (!this.sessions.has(ws)) ws.send(text)
  }

  private onText(ws: WebSocket, text: string, local: boolean): void {
    const session = this.sessions.get(ws)
    if (session !== undefined) return this.onEncrypted(ws, session, text)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    const first = firstFrame(json)
    if (first !== undefined) return this.establish(ws, first)
    if (!local && !this.deps.faults.has('remote-plaintext')) {
      ws.send(JSON.stringify(PLAINTEXT_REQUIRED))
      return void ws.close()
    }
    if (text === 'ping') return void ws.send('pong')
    const answer = this.deps.dispatch(json, local)
    if (answer !== undefined) ws.send(JSON.stringify(answer))
  }

  private establish(ws: WebSocket, f: { v: number; e: string; t: string; s: string }): void {
    if (f.v !== 1 && !this.deps.faults.has('any-version')) {
      ws.send(JSON.stringify(UNSUPPORTED))
      return void ws.close()
    }
    const client = this.deps.clientByToken(f.t)
    const salt = decodeStdBase64(f.s)
    if (client === undefined || salt === undefined || salt.length !== 16) return void ws.close()
    const used = this.salts.get(f.t) ?? []
    if (used.includes(f.s) && !this.deps.faults.has('no-salt-dedup')) return void ws.close()
    used.push(f.s)
    const forever = this.deps.fixes.has('salts-forever')
    if (used.length > SALTS_PER_CLIENT && !forever) used.shift()
    this.salts.set(f.t, used)
    const keys = sessionKeys(client.pairingKey, salt)
    const c2s = new FrameCipher(keys.c2sKey, keys.c2sBase, f.t)
    let payload: Uint8Array
    try {
      payload = c2s.open(decodeStdBase64(f.e) ?? new Uint8Array())
    } catch {
      used.splice(used.indexOf(f.s), 1)
      return void ws.close()
    }
    const session = { c2s, s2c: s2cCipher(keys, f.t, this.deps.faults) }
    this.sessions.set(ws, session)
    this.plain.delete(ws)
    this.answer(ws, session, payload)
  }

  private onEncrypted(ws: WebSocket, s: Encrypted & { s2c: ReturnType<typeof s2cCipher> }, text: string): void {
    let sealed: Uint8Array | undefined
    try {
      const e = (JSON.parse(text) as { e?: unknown }).e
      sealed = e === '' ? undefined : decodeStdBase64(e)
    } catch {
      sealed = undefined
    }
    if (sealed === undefined) return void ws.close()
    let payload: Uint8Array
    try {
      payload = s.c2s.open(sealed)
    } catch {
      return void ws.close()
    }
    this.answer(ws, s, payload)
  }

  private answer(ws: WebSocket, s: { s2c: ReturnType<typeof s2cCipher> }, payload: Uint8Array): void {
    const text = new TextDecoder().decode(payload)
    if (text === 'ping') return void ws.send(JSON.stringify({ e: b64(s.s2c.seal(utf8('pong'), true)) }))
    let request: unknown
    try {
      request = JSON.parse(text)
    } catch {
      request = undefined
    }
    const answer = this.deps.dispatch(request, false)
    if (answer !== undefined) ws.send(JSON.stringify({ e: b64(s.s2c.seal(utf8(JSON.stringify(answer)))) }))
  }
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
