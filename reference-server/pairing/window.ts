/**
 * The pairing window of spec §5.3-§5.4 (Table 5-1): the operator opens it, it shows one PIN, and
 * it closes on its first success, at expiry (now ≥ expires_at, §2.7), or when max_pin_failures
 * confirmations have failed. There is at most one window; opening one replaces the previous one.
 * Each window has a generation number, so a pending pairing started under a replaced window can
 * never finish under the new one. Times are integer seconds from the device clock.
 *
 * The state lives in the store (store/pairing-state.ts), so every node of a device sees the same
 * window, PIN and counts (§13.4); this class holds the rules.
 */
import { defaultBackend, type CryptoBackend } from '../../protocol/crypto/index.ts'
import { generatePin } from '../../protocol/spake2/index.ts'
import { recordSecret } from '../secret-sweep.ts'
import type { PairingStore, WindowRecord } from '../store/pairing-state.ts'

export interface OpenWindow {
  readonly generation: number
  readonly pin: string
  readonly expiresAt: number
}

export interface WindowRules {
  readonly maxPinTtl: number
  readonly maxFailures: number
  /** Fault no-pin-failure-budget: failed confirmations never close the window. */
  readonly unlimitedFailures: boolean
}

/** What a confirmation attempt may do to its window (PairingWindow.beginAttempt). */
export interface Attempt {
  /** Counts the failure; returns the attempts remaining (0 once the window is closed). */
  failed(): Promise<number>
  /**
   * Closes the window at its success (§5.4 single success); false when it is no longer open
   * (another pairing succeeded meanwhile, or it was replaced). Returns with the close a function
   * that reopens it unchanged for when storing the client fails (Table 5-1: 503, window stays
   * open); that does nothing once another window has been opened.
   */
  succeeded(): Promise<(() => Promise<void>) | undefined>
}

export class PairingWindow {
  readonly #rules: WindowRules
  readonly #store: PairingStore
  readonly #backend: CryptoBackend

  constructor(rules: WindowRules, store: PairingStore, backend: CryptoBackend = defaultBackend) {
    this.#rules = rules
    this.#store = store
    this.#backend = backend
  }

  /** Spec §5.3: opens (or replaces) the window with a fresh PIN; 1 ≤ ttl ≤ max_pin_ttl. */
  async open(ttl: number, now: number): Promise<OpenWindow> {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > this.#rules.maxPinTtl) {
      throw new RangeError(`pairing window TTL must be an integer in 1..${this.#rules.maxPinTtl}`)
    }
    const pin = generatePin(this.#backend)
    recordSecret('pin', pin)
    return viewOf(await this.#store.openWindow(pin, now + ttl))
  }

  /**
   * The open window, or undefined. `checkExpiry` false ignores expires_at (faults
   * pin-never-expires and skip-ttl-check-at-finish); otherwise an expired window is closed.
   */
  async current(now: number, checkExpiry = true): Promise<OpenWindow | undefined> {
    const window = await this.#store.getWindow()
    if (window === undefined) return undefined
    if (checkExpiry && now >= window.expires_at) {
      await this.#store.closeWindow(window.generation)
      return undefined
    }
    return viewOf(window)
  }

  /**
   * Starts a confirmation in window `generation` before cA is verified (§5.4 atomic budget: at
   * most max_pin_failures confirmations per window are ever verified, on any node). Undefined
   * when the window is closed, or its budget is taken by attempts that are bound to close it.
   */
  async beginAttempt(generation: number): Promise<Attempt | undefined> {
    const { maxFailures, unlimitedFailures } = this.#rules
    const max = unlimitedFailures ? Number.MAX_SAFE_INTEGER : maxFailures
    if (!(await this.#store.beginAttempt(generation, max))) return undefined
    const store = this.#store
    return {
      async failed() {
        const failures = await store.recordFailure(generation, unlimitedFailures ? undefined : max)
        return failures === undefined ? 0 : Math.max(0, maxFailures - failures)
      },
      async succeeded() {
        const closed = await store.closeWindow(generation)
        if (closed === undefined) return undefined
        // The success's own attempt is given back with the window.
        const reopened: WindowRecord = { ...closed, attempts: closed.attempts - 1 }
        return () => store.restoreWindow(reopened)
      },
    }
  }
}

function viewOf(window: WindowRecord): OpenWindow {
  return { generation: window.generation, pin: window.pin, expiresAt: window.expires_at }
}
