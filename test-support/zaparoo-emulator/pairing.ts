/**
 * Pairing state and the two pairing routes of the zaparoo-v1 emulator (spec/profiles/zaparoo-v1.md
 * §2, facts §1.2 - §1.8): one PIN at a time, sessions per PIN, a per-PIN budget of 3 wrong
 * confirmations, check order and error strings as the facts give them — weaknesses included
 * (PIN TTL not rechecked at finish, 500 for an invalid point) unless a fix switch is on.
 */
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto'
import {
  confirmationMac,
  encodePakeMessage,
  InvalidPoint,
  pairingKeys,
  randomScalar,
  serverMessage,
  serverRespond,
  type Coordinates,
} from '../../protocol/profiles/zaparoo-v1/index.ts'
import type { Fault, Fix } from './switches.ts'

export const LIMITS = {
  sessionTtlMs: 120_000,
  maxAttempts: 3,
  maxClients: 50,
  maxNameBytes: 128,
  maxMsgABytes: 2048,
} as const

export interface Client {
  readonly clientId: string
  readonly name: string
  readonly authToken: string
  readonly pairingKey: Uint8Array
}

interface Session {
  readonly msgA: Uint8Array
  readonly msgB: Uint8Array
  readonly name: string
  readonly created: number
  readonly confirmKeyA: Uint8Array
  readonly confirmKeyB: Uint8Array
  readonly pairingKey: Uint8Array
}

export interface Answer {
  readonly status: number
  readonly body: object
}

const err = (status: number, error: string): Answer => ({ status, body: { error } })

/** Go StdEncoding: padded, + and /; \r and \n ignored (facts §1.3). */
export function decodeStdBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined
  const s = text.replace(/[\r\n]/g, '')
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined
  return Uint8Array.from(Buffer.from(s, 'base64'))
}

/** The server's reading of X: lenient decimal strings (a leading + is fine), negatives refused. */
function readX(msgA: Uint8Array): { role: number; X: Coordinates } | undefined {
  try {
    const o = JSON.parse(Buffer.from(msgA).toString('utf8')) as Record<string, unknown>
    const n = ['ux', 'uy', 'vx', 'vy', 'xx', 'xy', 'yx', 'yy'].map((k) => {
      const s = o[k]
      if (typeof s !== 'string' || !/^\+?[0-9]+$/.test(s)) throw new Error(k)
      return BigInt(s.replace('+', ''))
    })
    const role = o['role'] === undefined ? 0 : Number(o['role'])
    return { role, X: { x: n[4]!, y: n[5]! } }
  } catch {
    return undefined
  }
}

export class PairingState {
  pin: string | undefined
  private pinExpires = 0
  private attempts = 0
  private sessions = new Map<string, Session>()
  readonly clients: Client[] = []

  constructor(
    private readonly faults: ReadonlySet<Fault>,
    private readonly fixes: ReadonlySet<Fix>,
    private readonly onPaired: (c: Client) => void,
  ) {}

  /** clients.pair.start: one PIN at a time (facts §1.2); a new PIN wipes in-flight sessions. */
  startPin(ttlMs: number): { pin: string; expiresAt: number } | undefined {
    if (this.livePin() || this.clients.length >= LIMITS.maxClients) return undefined
    this.pin = String(randomInt(1_000_000)).padStart(6, '0')
    this.pinExpires = Date.now() + ttlMs
    this.attempts = 0
    this.sessions.clear()
    return { pin: this.pin, expiresAt: Math.ceil(this.pinExpires / 1000) }
  }

  private livePin(): boolean {
    return this.pin !== undefined && Date.now() < this.pinExpires
  }

  /** clients.pair.cancel: clears the PIN and all sessions (facts §1.1). */
  cancel(): void {
    this.clearPin()
  }

  private clearPin(): void {
    this.pin = undefined
    this.sessions.clear()
  }

  start(body: Record<string, unknown>): Answer {
    const msgA = decodeStdBase64(body['pake'])
    if (msgA === undefined) return err(400, 'invalid pake message')
    if (msgA.length === 0) return err(400, 'invalid request body')
    const name = body['name']
    if (typeof name !== 'string' || name === '') return err(400, 'client name required')
    const tooLong = Buffer.byteLength(name) > LIMITS.maxNameBytes
    if (tooLong && !this.faults.has('no-name-limit')) return err(400, 'client name too long')
    const msgTooLong = msgA.length > LIMITS.maxMsgABytes
    if (msgTooLong && !this.faults.has('no-msg-limit')) return err(400, 'PAKE message too long')
    if (this.pin === undefined) {
      return err(400, this.faults.has('no-pin-message') ? 'no PIN' : 'no pairing in progress')
    }
    if (Date.now() >= this.pinExpires) {
      this.clearPin()
      return err(410, 'pairing expired')
    }
    if (this.attempts >= LIMITS.maxAttempts) return err(403, 'too many failed attempts')
    const read = readX(msgA)
    if (read === undefined) return err(400, 'invalid PAKE message')
    return this.respond(this.pin, msgA, read, name)
  }

  private respond(pin: string, msgA: Uint8Array, read: { role: number; X: Coordinates }, name: string): Answer {
    let answer
    try {
      if (read.role === 1) throw new InvalidPoint()
      answer = serverRespond(pin, read.X, randomScalar())
    } catch {
      // facts §1.3, §6.4: the library's error is a 500 and not an attempt.
      return this.fixes.has('invalid-point-400')
        ? err(400, 'invalid PAKE message')
        : err(500, 'internal error')
    }
    const message = serverMessage(read.X, answer.Y)
    const msgB = encodePakeMessage(this.faults.has('msgb-role-0') ? { ...message, role: 0 } : message)
    const keys = pairingKeys(answer.K, msgA, msgB)
    const id = randomUUID()
    this.sessions.set(id, { msgA, msgB, name, created: Date.now(), ...keys })
    return { status: 200, body: { session: id, pake: Buffer.from(msgB).toString('base64') } }
  }

  finish(body: Record<string, unknown>): Answer {
    const confirm = decodeStdBase64(body['confirm'])
    if (confirm === undefined || confirm.length === 0) return err(400, 'invalid confirmation')
    const id = body['session']
    const s = typeof id === 'string' ? this.sessions.get(id) : undefined
    if (s === undefined || typeof id !== 'string') return err(404, 'unknown pairing session')
    if (Date.now() - s.created > LIMITS.sessionTtlMs) {
      this.sessions.delete(id)
      return err(410, 'pairing expired')
    }
    if (this.fixes.has('ttl-at-finish') && !this.livePin()) {
      this.clearPin()
      return err(410, 'pairing expired')
    }
    const expected = confirmationMac(s.confirmKeyA, 'client', s.name, s.msgA, s.msgB)
    if (confirm.length !== expected.length || !timingSafeEqual(confirm, expected)) {
      this.sessions.delete(id)
      this.attempts += 1
      if (this.attempts >= LIMITS.maxAttempts && !this.faults.has('unlimited-attempts')) {
        this.clearPin()
        return err(403, 'too many failed attempts')
      }
      return err(401, 'wrong PIN')
    }
    if (this.clients.length >= LIMITS.maxClients) return err(403, 'maximum paired clients reached')
    const client = { clientId: randomUUID(), name: s.name, authToken: randomUUID(), pairingKey: s.pairingKey }
    this.clients.push(client)
    if (this.faults.has('pin-reuse')) this.sessions.delete(id)
    else this.clearPin()
    const role = this.faults.has('server-confirm-label') ? 'client' : 'server'
    const serverConfirm = confirmationMac(s.confirmKeyB, role, s.name, s.msgA, s.msgB)
    this.onPaired(client)
    return {
      status: 200,
      body: { authToken: client.authToken, clientId: client.clientId, confirm: Buffer.from(serverConfirm).toString('base64') },
    }
  }
}

