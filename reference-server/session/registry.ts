/**
 * The live sessions of the device by client (spec §7.8, §9.3): revocation closes every session of
 * the revoked client at once (the store's removal event calls closeClient synchronously, so the
 * close frames leave within the 1 s the spec allows), shutdown closes them all with going-away,
 * and the device sends notifications to a client's sessions (spec §7.6).
 */
import type { CloseEntry } from '../../protocol/registry.ts'
import type { SessionRegistry } from '../context.ts'

/** What the registry needs of a session (session.ts); it stays listed until `ended`. */
export interface LiveSession {
  readonly clientId: string
  /** Closes the session with `entry`; false when it was already closing (nothing is done). */
  close(entry: CloseEntry): boolean
  /** Sends a sealed notification; false before message 2 or after the session closed. */
  notify(method: string, params: unknown): boolean
  /** Settles once the WebSocket is closed. */
  readonly ended: Promise<void>
}

export class SessionTable implements SessionRegistry {
  readonly #byClient = new Map<string, Set<LiveSession>>()
  #size = 0

  add(session: LiveSession): void {
    let sessions = this.#byClient.get(session.clientId)
    if (sessions === undefined) this.#byClient.set(session.clientId, (sessions = new Set()))
    if (!sessions.has(session)) this.#size++
    sessions.add(session)
  }

  delete(session: LiveSession): void {
    const sessions = this.#byClient.get(session.clientId)
    if (sessions?.delete(session) !== true) return
    this.#size--
    if (sessions.size === 0) this.#byClient.delete(session.clientId)
  }

  get size(): number {
    return this.#size
  }

  closeClient(clientId: string, entry: CloseEntry): number {
    let closed = 0
    for (const session of [...(this.#byClient.get(clientId) ?? [])]) {
      if (session.close(entry)) closed++
    }
    return closed
  }

  notifyClient(clientId: string, method: string, params: unknown): number {
    let sent = 0
    for (const session of this.#byClient.get(clientId) ?? []) {
      if (session.notify(method, params)) sent++
    }
    return sent
  }

  async closeAll(entry: CloseEntry): Promise<void> {
    const sessions = [...this.#byClient.values()].flatMap((set) => [...set])
    for (const session of sessions) session.close(entry)
    await Promise.all(sessions.map((session) => session.ended))
  }
}

export function createSessionRegistry(): SessionRegistry {
  return new SessionTable()
}

/** The table behind a registry made by createSessionRegistry (attachSessions adds to it). */
export function sessionTableOf(registry: SessionRegistry): SessionTable {
  if (!(registry instanceof SessionTable)) {
    throw new TypeError('ctx.sessions must be made by createSessionRegistry()')
  }
  return registry
}
