/**
 * The replay and state store of the reference device (DESIGN §4): one atomic "claim this key for
 * ttl" (signature nonces, spec §8), single-use tickets kept only as their hash (spec §6), and the
 * registry of paired clients with the pairing key, the one secret the device keeps (spec §5, §9).
 *
 * Three implementations share this contract and one test suite: memory (tests), a JSON file
 * (single device) and Redis (several device processes behind one Redis). Every operation that
 * cannot reach its backend rejects with StoreUnavailableError, which the endpoints answer with
 * 503 store-unavailable: the device fails closed and never treats "unknown" as "fresh".
 */
import type { PairingStore } from './pairing-state.ts'

/** A paired client as the device stores it; binary fields are base64url (spec §2). */
export interface ClientRecord {
  readonly client_id: string
  /** The client's Ed25519 public key. */
  readonly client_key: string
  readonly name: string
  /** The pairing key (spec §5): the device's one secret per client, never logged. */
  readonly pairing_key: string
  /** Seconds since the epoch. */
  readonly paired_at: number
}

export interface Store {
  /** The pairing window and pending pairings (spec §5), shared like the rest (§13.4). */
  readonly pairing: PairingStore
  /** Atomic: true when `key` was free and is now claimed for ttlMs; false when already claimed. */
  claim(key: string, ttlMs: number): Promise<boolean>
  /** Binds a ticket, stored only as the caller's hash of it (spec §6.1), to a client for ttlMs. */
  putTicket(ticketHash: string, clientId: string, ttlMs: number): Promise<void>
  /** Atomic get-and-delete: the client id once; undefined when unknown, expired or taken. */
  takeTicket(ticketHash: string): Promise<string | undefined>
  /** Adds or replaces a client; durable before it resolves. */
  putClient(record: ClientRecord): Promise<void>
  getClient(clientId: string): Promise<ClientRecord | undefined>
  listClients(): Promise<ClientRecord[]>
  /**
   * Removes the client and every ticket bound to it, then tells every store sharing the backend
   * (onClientRemoved). True when the client existed.
   */
  removeClient(clientId: string): Promise<boolean>
  /**
   * Calls `listener` when a client is removed through any store sharing this backend, this one
   * included, within a second. Listeners must not throw. Returns the unsubscribe function.
   */
  onClientRemoved(listener: (clientId: string) => void): () => void
  /** Resolves when the backend is reachable (health). */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The backend cannot be reached (or did not answer in time); the one error of every operation. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}
