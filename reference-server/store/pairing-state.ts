/**
 * The pairing state of spec §5.3-§5.10 as the store keeps it, so that the nodes of one device
 * share it (spec §13.4): the one pairing window with its PIN, expiry and counts, and the pending
 * pairings between pair/start and pair/finish. The device (pairing/window.ts, pairing/pending.ts)
 * holds the rules and the clock; the store only makes each step atomic.
 *
 * Counting attempts before verifying cA is what makes the failure budget hold across concurrent
 * pair/finish requests and nodes (pw-pair-5.4-atomic-budget): an attempt is counted when it
 * starts, so at most max_pin_failures confirmations of one window are ever verified, and once
 * that many have started the window is bound to close (each ends in a success, which closes it,
 * or a failure, the last of which closes it).
 *
 * MemoryPairingState serves the memory and file stores (one process; the PIN and the pairing keys
 * in progress are never written to disk); the Redis store has its own (redis-pairing.ts).
 */

/** The pairing window as stored; times in seconds since the epoch (spec §2.7). */
export interface WindowRecord {
  /** Grows by one at every opening, across nodes; a pairing belongs to one generation. */
  readonly generation: number
  readonly pin: string
  readonly expires_at: number
  /** Confirmations started in this window (pair/finish requests that reached cA). */
  readonly attempts: number
  /** Confirmations that failed in this window. */
  readonly failures: number
}

/** A pending pairing as stored (spec §5.10); byte fields base64url. */
export interface PendingRecord {
  readonly generation: number
  readonly client_key: string
  readonly client_name: string
  readonly expires_at: number
  /** The SPAKE2 transcript and keys of the device's half (spec §5.6), secrets like the PIN. */
  readonly TT: string
  readonly Ke: string
  readonly KcA: string
  readonly KcB: string
}

export interface PairingStore {
  /** Replaces any window by a new one with the next generation and no attempts. */
  openWindow(pin: string, expiresAt: number): Promise<WindowRecord>
  /** The window, expired or not (the device judges expiry by its clock); undefined when closed. */
  getWindow(): Promise<WindowRecord | undefined>
  /** Atomic: closes window `generation` and returns it; undefined when it is not the open one. */
  closeWindow(generation: number): Promise<WindowRecord | undefined>
  /**
   * Puts a window closed by closeWindow back, when no window has been opened since (a success
   * whose client could not be stored: Table 5-1, the window stays open).
   */
  restoreWindow(window: WindowRecord): Promise<void>
  /** Atomic: counts one attempt in window `generation` when it has fewer than `max`; false if not. */
  beginAttempt(generation: number, max: number): Promise<boolean>
  /**
   * Atomic: counts a failed confirmation in window `generation` and closes the window when
   * failures reach `closeAt` (undefined: never). Returns the failures, or undefined when the
   * window is no longer open.
   */
  recordFailure(generation: number, closeAt: number | undefined): Promise<number | undefined>
  /** How many pairings of window `generation` are pending at `now` (seconds). */
  countPairings(generation: number, now: number): Promise<number>
  /**
   * Atomic: keeps `record` under `id` when fewer than `max` pairings of its generation are
   * pending at `now` (seconds); false when the generation is full. Kept until its expires_at.
   */
  addPairing(id: string, record: PendingRecord, max: number, now: number): Promise<boolean>
  /** Atomic get-and-delete: the pairing once; undefined when unknown or already taken. */
  takePairing(id: string): Promise<PendingRecord | undefined>
}

export class MemoryPairingState implements PairingStore {
  #window: WindowRecord | undefined
  #generation = 0
  readonly #pending = new Map<string, PendingRecord>()

  async openWindow(pin: string, expiresAt: number): Promise<WindowRecord> {
    const generation = ++this.#generation
    this.#window = { generation, pin, expires_at: expiresAt, attempts: 0, failures: 0 }
    return this.#window
  }

  async getWindow(): Promise<WindowRecord | undefined> {
    return this.#window
  }

  async closeWindow(generation: number): Promise<WindowRecord | undefined> {
    const window = this.#window
    if (window?.generation !== generation) return undefined
    this.#window = undefined
    return window
  }

  async restoreWindow(window: WindowRecord): Promise<void> {
    if (this.#window === undefined && this.#generation === window.generation) {
      this.#window = window
    }
  }

  async beginAttempt(generation: number, max: number): Promise<boolean> {
    const window = this.#window
    if (window?.generation !== generation || window.attempts >= max) return false
    this.#window = { ...window, attempts: window.attempts + 1 }
    return true
  }

  async recordFailure(generation: number, closeAt: number | undefined): Promise<number | undefined> {
    const window = this.#window
    if (window?.generation !== generation) return undefined
    const failures = window.failures + 1
    this.#window = closeAt !== undefined && failures >= closeAt ? undefined : { ...window, failures }
    return failures
  }

  async countPairings(generation: number, now: number): Promise<number> {
    return this.#count(generation, now)
  }

  async addPairing(id: string, record: PendingRecord, max: number, now: number): Promise<boolean> {
    if (this.#count(record.generation, now) >= max) return false
    this.#pending.set(id, record)
    return true
  }

  async takePairing(id: string): Promise<PendingRecord | undefined> {
    const pending = this.#pending.get(id)
    this.#pending.delete(id)
    return pending
  }

  #count(generation: number, now: number): number {
    let count = 0
    for (const [key, pending] of this.#pending) {
      // Expired pairings are dropped here, and with them their keys (§5.10 erase).
      if (now >= pending.expires_at) this.#pending.delete(key)
      else if (pending.generation === generation) count++
    }
    return count
  }
}
