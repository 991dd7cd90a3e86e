/**
 * The in-process state behind the memory and file stores: claims and tickets with an expiry
 * instant, and the client registry. Synchronous, so each operation is atomic within the process;
 * expired entries are dropped when touched (lazy) and by sweep(), which the stores run on an
 * unref'd timer so memory stays bounded by what is live.
 */
import type { ClientRecord } from './store.ts'

/**
 * What the file store persists: only live entries, with absolute expiry instants in ms. Lists,
 * not objects keyed by claim or hash, so no key (say "__proto__") is ever special.
 */
export interface StateSnapshot {
  readonly clients: ClientRecord[]
  readonly claims: { key: string; expires_at_ms: number }[]
  readonly tickets: { hash: string; client_id: string; expires_at_ms: number }[]
}

interface Expiring<V> {
  readonly value: V
  readonly expiresAtMs: number
}

export class StoreState {
  readonly #nowMs: () => number
  readonly #claims = new Map<string, Expiring<true>>()
  readonly #tickets = new Map<string, Expiring<string>>()
  readonly #clients = new Map<string, ClientRecord>()

  constructor(nowMs: () => number = Date.now) {
    this.#nowMs = nowMs
  }

  claim(key: string, ttlMs: number): boolean {
    if (this.#live(this.#claims, key) !== undefined) return false
    this.#claims.set(key, { value: true, expiresAtMs: this.#nowMs() + ttlMs })
    return true
  }

  putTicket(ticketHash: string, clientId: string, ttlMs: number): void {
    this.#tickets.set(ticketHash, { value: clientId, expiresAtMs: this.#nowMs() + ttlMs })
  }

  takeTicket(ticketHash: string): string | undefined {
    const clientId = this.#live(this.#tickets, ticketHash)
    this.#tickets.delete(ticketHash)
    return clientId
  }

  putClient(record: ClientRecord): void {
    this.#clients.set(record.client_id, { ...record })
  }

  getClient(clientId: string): ClientRecord | undefined {
    const record = this.#clients.get(clientId)
    return record === undefined ? undefined : { ...record }
  }

  listClients(): ClientRecord[] {
    return [...this.#clients.values()].map((record) => ({ ...record }))
  }

  /** Removes the client and its tickets (a scan: tickets are few and short-lived). */
  removeClient(clientId: string): boolean {
    if (!this.#clients.delete(clientId)) return false
    for (const [hash, ticket] of this.#tickets) {
      if (ticket.value === clientId) this.#tickets.delete(hash)
    }
    return true
  }

  /** Drops every expired claim and ticket; returns how many were dropped. */
  sweep(): number {
    const now = this.#nowMs()
    let dropped = 0
    for (const map of [this.#claims, this.#tickets] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of map) {
        if (entry.expiresAtMs <= now) dropped += Number(map.delete(key))
      }
    }
    return dropped
  }

  snapshot(): StateSnapshot {
    this.sweep()
    const claims = [...this.#claims].map(([key, { expiresAtMs }]) => ({
      key,
      expires_at_ms: expiresAtMs,
    }))
    const tickets = [...this.#tickets].map(([hash, { value, expiresAtMs }]) => ({
      hash,
      client_id: value,
      expires_at_ms: expiresAtMs,
    }))
    return { clients: this.listClients(), claims, tickets }
  }

  /** Loads a snapshot; entries that expired while it was on disk are left out. */
  static fromSnapshot(snapshot: StateSnapshot, nowMs: () => number = Date.now): StoreState {
    const state = new StoreState(nowMs)
    for (const record of snapshot.clients) state.putClient(record)
    for (const claim of snapshot.claims) {
      state.#claims.set(claim.key, { value: true, expiresAtMs: claim.expires_at_ms })
    }
    for (const { hash, client_id, expires_at_ms } of snapshot.tickets) {
      state.#tickets.set(hash, { value: client_id, expiresAtMs: expires_at_ms })
    }
    state.sweep()
    return state
  }

  #live<V>(map: Map<string, Expiring<V>>, key: string): V | undefined {
    const entry = map.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAtMs > this.#nowMs()) return entry.value
    map.delete(key)
    return undefined
  }
}
