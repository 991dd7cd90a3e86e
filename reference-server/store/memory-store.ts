/**
 * The memory store (store.ts): everything lives in this process and dies with it. The default for
 * tests and for a device that may forget its clients on restart; one process only, so removal
 * events reach only this instance's listeners.
 */
import { RemovalListeners } from './listeners.ts'
import { MemoryPairingState } from './pairing-state.ts'
import { StoreState } from './state.ts'
import type { ClientRecord, Store } from './store.ts'

export const DEFAULT_SWEEP_MS = 30_000

export interface MemoryStoreOptions {
  /** How often expired claims and tickets are dropped (they are also dropped when touched). */
  readonly sweepMs?: number
  readonly nowMs?: () => number
}

export class MemoryStore implements Store {
  readonly #state: StoreState
  readonly #listeners = new RemovalListeners()
  readonly #sweeper: NodeJS.Timeout
  readonly pairing = new MemoryPairingState()

  constructor(options: MemoryStoreOptions = {}) {
    this.#state = new StoreState(options.nowMs)
    this.#sweeper = setInterval(() => this.#state.sweep(), options.sweepMs ?? DEFAULT_SWEEP_MS)
    this.#sweeper.unref()
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.#state.claim(key, ttlMs)
  }

  async putTicket(ticketHash: string, clientId: string, ttlMs: number): Promise<void> {
    this.#state.putTicket(ticketHash, clientId, ttlMs)
  }

  async takeTicket(ticketHash: string): Promise<string | undefined> {
    return this.#state.takeTicket(ticketHash)
  }

  async putClient(record: ClientRecord): Promise<void> {
    this.#state.putClient(record)
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    return this.#state.getClient(clientId)
  }

  async listClients(): Promise<ClientRecord[]> {
    return this.#state.listClients()
  }

  async removeClient(clientId: string): Promise<boolean> {
    const existed = this.#state.removeClient(clientId)
    if (existed) this.#listeners.emit(clientId)
    return existed
  }

  onClientRemoved(listener: (clientId: string) => void): () => void {
    return this.#listeners.add(listener)
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
  }
}
