/**
 * The Redis store (store.ts): several device processes share one Redis, so a nonce or ticket
 * used on one node is refused on every other, and a revocation on any node closes the client's
 * sessions everywhere (DESIGN §4). Keys, under a configurable prefix (default "pairwire:"):
 *   claim:<key>              "1", SET NX PX ttl: the one winner of a claim
 *   ticket:<hash>            client id, SET PX ttl; taken with GETDEL (single use)
 *   client-tickets:<client>  set of that client's ticket hashes, expiring with its longest ticket,
 *                            so a removal deletes O(tickets of that client) keys
 *   clients                  hash: client id -> JSON ClientRecord
 *   pairing-*, pairings:*    the shared pairing window and pending pairings (redis-pairing.ts)
 * Removals are published on the channel <prefix>client-removed to a second, subscribed
 * connection on every node. Uses PEXPIRE NX/GT, so it needs Redis 7.0 or later.
 *
 * Fail closed and fail fast: no offline queue (a command while disconnected is refused at once),
 * every call is bounded by timeoutMs, and every failure is a StoreUnavailableError. Both
 * connections reconnect in the background with back-off, a stuck one is replaced
 * (redis-connection.ts), and the subscriber resubscribes; a removal published while a node's
 * subscriber is reconnecting is missed by that node (its sessions of that client then stay open,
 * though the client can no longer sign requests or redeem tickets anywhere).
 */
import { randomUUID } from 'node:crypto'
import { createClient } from '@redis/client'
import {
  durabilityWarning,
  redisDurability,
  StoreDurabilityError,
  type DurabilityPolicy,
  type RedisDurability,
} from './redis-durability.ts'
import { RemovalListeners } from './listeners.ts'
import { backoff, SupervisedConnection, type RedisClient } from './redis-connection.ts'
import { RedisPairingState } from './redis-pairing.ts'
import { StoreUnavailableError, type ClientRecord, type Store } from './store.ts'

export const DEFAULT_PREFIX = 'pairwire:'
export const DEFAULT_TIMEOUT_MS = 1_000
export const DEFAULT_OPEN_TIMEOUT_MS = 5_000
/** A connection not ready for this long is replaced (redis-connection.ts); > back-off + timeout. */
const STUCK_MS = 2_000

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port (the database is a separate option). */
  readonly url: string
  readonly database?: number
  readonly prefix?: string
  /** Bound on every operation. */
  readonly timeoutMs?: number
  /** Bound on the first connection, made at open. */
  readonly openTimeoutMs?: number
  /** Spec §13.4: refuse ('require') or warn about ('warn', the default) a Redis without AOF fsync. */
  readonly durability?: DurabilityPolicy
  /** Receives the start-up warning of a Redis that is not durable (policy 'warn'). */
  readonly onNotDurable?: (message: string, durability: RedisDurability) => void
}

/** Runs one Redis call; any failure, or no answer within timeoutMs, is StoreUnavailableError. */
/** No answer in time: for the watchdog of redis-connection.ts, unlike a refused call. */
class TimedOut extends StoreUnavailableError {}

async function bounded<T>(timeoutMs: number, what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimedOut(`redis store: ${what} timed out after ${timeoutMs} ms`))
    }, timeoutMs)
  })
  try {
    return await Promise.race([run(), timeout])
  } catch (e) {
    if (e instanceof StoreUnavailableError) throw e
    throw new StoreUnavailableError(`redis store: ${what} failed`, { cause: e })
  } finally {
    clearTimeout(timer)
  }
}

/** Connects and subscribes; rejects with StoreUnavailableError when Redis cannot be reached. */
export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const make = (): RedisClient => {
    const client = createClient({
      url: options.url,
      database: options.database ?? 0,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: backoff },
    })
    // Connection errors reach callers as StoreUnavailableError; an unhandled 'error' event would
    // crash the process.
    client.on('error', () => undefined)
    return client
  }
  const store = new RedisStore(make, options)
  try {
    await store.connect(options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS, new URL(options.url).host)
    const durability = await store.durability()
    if (!durability.durable) {
      const message = durabilityWarning(durability)
      if (options.durability === 'require') throw new StoreDurabilityError(message)
      options.onNotDurable?.(message, durability)
    }
  } catch (e) {
    await store.close()
    throw e
  }
  return store
}

class RedisStore implements Store {
  readonly #commands: SupervisedConnection
  /** A second connection: a subscribed connection can run no other command. */
  readonly #subscriber: SupervisedConnection
  readonly #prefix: string
  readonly #timeoutMs: number
  /** Tells this instance's own removals apart from other nodes' on the shared channel. */
  readonly #origin = randomUUID()
  readonly #listeners = new RemovalListeners()
  readonly #channel: string
  readonly pairing: RedisPairingState

  constructor(make: () => RedisClient, options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? DEFAULT_PREFIX
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#channel = `${this.#prefix}client-removed`
    this.#commands = new SupervisedConnection(make, async () => undefined, STUCK_MS)
    this.#subscriber = new SupervisedConnection(
      make,
      (client) => client.subscribe(this.#channel, (message) => this.#received(message)),
      STUCK_MS,
    )
    this.pairing = new RedisPairingState(
      () => this.#client,
      (...parts) => this.#key(...parts),
      (what, run) => this.#call(what, run),
    )
  }

  get #client(): RedisClient {
    return this.#commands.client
  }

  async connect(timeoutMs: number, host: string): Promise<void> {
    await bounded(timeoutMs, `connect to ${host}`, () =>
      Promise.all([this.#commands.connect(), this.#subscriber.connect()]),
    )
  }

  /** CONFIG GET appendonly / appendfsync (spec §13.4), bounded like every call. */
  durability(): Promise<RedisDurability> {
    return bounded(this.#timeoutMs, 'config get', () => redisDurability(this.#client))
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.#call('claim', () =>
      this.#client.set(this.#key('claim', key), '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      }),
    )
    return reply === 'OK'
  }

  async putTicket(ticketHash: string, clientId: string, ttlMs: number): Promise<void> {
    const owned = this.#key('client-tickets', clientId)
    const expiration = { type: 'PX', value: ttlMs } as const
    await this.#call('putTicket', () =>
      this.#client
        .multi()
        .set(this.#key('ticket', ticketHash), clientId, { expiration })
        .sAdd(owned, ticketHash)
        // The set lives as long as its longest ticket: NX sets a first expiry, GT only extends.
        .pExpire(owned, ttlMs, 'NX')
        .pExpire(owned, ttlMs, 'GT')
        .exec(),
    )
  }

  async takeTicket(ticketHash: string): Promise<string | undefined> {
    const clientId = await this.#call('takeTicket', () =>
      this.#client.getDel(this.#key('ticket', ticketHash)),
    )
    return clientId ?? undefined
  }

  async putClient(record: ClientRecord): Promise<void> {
    const value = JSON.stringify(record)
    await this.#call('putClient', () =>
      this.#client.hSet(this.#key('clients'), record.client_id, value),
    )
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const value = await this.#call('getClient', () =>
      this.#client.hGet(this.#key('clients'), clientId),
    )
    return value === null ? undefined : (JSON.parse(value) as ClientRecord)
  }

  async listClients(): Promise<ClientRecord[]> {
    const values = await this.#call('listClients', () => this.#client.hVals(this.#key('clients')))
    return values.map((value) => JSON.parse(value) as ClientRecord)
  }

  /**
   * Deletes the record and takes the client's ticket set in one transaction, then deletes those
   * tickets. A ticket redeemed in between admits nobody: the gate looks the client up after
   * taking the ticket, and the record is already gone.
   */
  async removeClient(clientId: string): Promise<boolean> {
    const owned = this.#key('client-tickets', clientId)
    const [removed, hashes] = await this.#call('removeClient', () =>
      this.#client
        .multi()
        .hDel(this.#key('clients'), clientId)
        .sMembers(owned)
        .del(owned)
        .execTyped(),
    )
    const tickets = hashes.map((hash) => this.#key('ticket', hash))
    if (tickets.length > 0) await this.#call('removeClient', () => this.#client.del(tickets))
    if (removed !== 1) return false
    const message = JSON.stringify({ origin: this.#origin, client_id: clientId })
    await this.#call('removeClient', () => this.#client.publish(this.#channel, message))
    this.#listeners.emit(clientId)
    return true
  }

  onClientRemoved(listener: (clientId: string) => void): () => void {
    return this.#listeners.add(listener)
  }

  /** A message on the removal channel; this instance's own removals were already emitted. */
  #received(message: string): void {
    let event: { origin?: unknown; client_id?: unknown }
    try {
      event = JSON.parse(message) as typeof event
    } catch {
      return
    }
    if (event.origin === this.#origin || typeof event.client_id !== 'string') return
    this.#listeners.emit(event.client_id)
  }

  async ping(): Promise<void> {
    await this.#call('ping', () => this.#client.ping())
  }

  async close(): Promise<void> {
    this.#commands.close()
    this.#subscriber.close()
  }

  #key(...parts: string[]): string {
    return this.#prefix + parts.join(':')
  }

  async #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await bounded(this.#timeoutMs, what, run)
      this.#commands.answered()
      return result
    } catch (e) {
      if (e instanceof TimedOut) this.#commands.timedOut()
      throw e
    }
  }
}
