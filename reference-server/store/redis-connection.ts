/**
 * One Redis connection that always comes back (issue 21). node-redis reconnects by itself with
 * the back-off below, except in one state it never leaves: when the server dies while a
 * reconnection's handshake is waiting for its answer (seen after a pause and a few kill -9 /
 * restart cycles, and in redis-store-reconnect.test.ts by killing a frozen server), the pending
 * handshake is never rejected and the client stays "not ready" for good, so every store call
 * fails with 503 until the device restarts; the same sequence can also leave a client that says
 * it is ready but whose commands are never answered. A watchdog therefore replaces a client that
 * has shown no sign of health (a call answered) for `stuckMs` while it is not ready or its last
 * call timed out, with a fresh one that connects with the same back-off.
 */
import { createClient } from '@redis/client'

// @redis/client's createClient is generic: the store's client has no modules, functions or
// scripts and speaks RESP 2 (the package `redis` re-exports it with its modules added).
export type RedisClient = ReturnType<typeof createClient<{}, {}, {}, 2, {}>>

/** Reconnection back-off: 50, 100, 200, 400 ms, then every 500 ms while Redis is away. */
export const MAX_BACKOFF_MS = 500

export function backoff(retries: number): number {
  return Math.min(50 * 2 ** retries, MAX_BACKOFF_MS)
}

function destroy(client: RedisClient): void {
  if (client.isOpen) client.destroy()
}

export class SupervisedConnection {
  #client: RedisClient
  readonly #make: () => RedisClient
  readonly #onReady: (client: RedisClient) => Promise<unknown>
  /** When the current client last answered a call (or was created). */
  #healthyAt = Date.now()
  #timedOutAt = 0
  readonly #watchdog: NodeJS.Timeout
  /** Clients replaced by the watchdog so far (tests and logs read it). */
  replaced = 0

  /**
   * `make` builds an unconnected client (errors are already handled); `onReady` runs on every
   * new client once connected (the subscriber subscribes there).
   */
  constructor(make: () => RedisClient, onReady: (client: RedisClient) => Promise<unknown>, stuckMs: number) {
    this.#make = make
    this.#onReady = onReady
    this.#client = make()
    this.#watchdog = setInterval(() => this.#check(stuckMs), Math.max(50, stuckMs / 4))
    this.#watchdog.unref()
  }

  get client(): RedisClient {
    return this.#client
  }

  /** The first connection; its failure is the caller's (the store refuses to open). */
  async connect(): Promise<void> {
    await this.#client.connect()
    await this.#onReady(this.#client)
  }

  /** A call on the current client was answered. */
  answered(): void {
    this.#healthyAt = Date.now()
  }

  /** A call on the current client got no answer in time. */
  timedOut(): void {
    this.#timedOutAt = Date.now()
  }

  close(): void {
    clearInterval(this.#watchdog)
    destroy(this.#client)
  }

  #check(stuckMs: number): void {
    const suspect = !this.#client.isReady || this.#timedOutAt > this.#healthyAt
    if (this.#client.isReady && this.#timedOutAt <= this.#healthyAt) this.#healthyAt = Date.now()
    if (!suspect || Date.now() - this.#healthyAt < stuckMs) return
    this.#healthyAt = Date.now()
    this.replaced++
    destroy(this.#client)
    const fresh = this.#make()
    this.#client = fresh
    // Failures surface as not-ready, which the next checks see; an unhandled rejection would not.
    fresh.connect().then(() => this.#onReady(fresh)).catch(() => undefined)
  }
}
