/**
 * The pairing window of spec §5.3-§5.4 (Table 5-1): the operator opens it, it shows one PIN, and
 * it closes on its first success, at expiry (now ≥ expires_at, §2.7), or when max_pin_failures
 * confirmations have failed. There is at most one window; opening one replaces the previous one.
 * Each window has a generation number, so a pending pairing started under a replaced window can
 * never finish under the new one. Times are integer seconds from the device clock.
 */
import { defaultBackend, type CryptoBackend } from '../../protocol/crypto/index.ts'
import { generatePin } from '../../protocol/spake2/index.ts'
import { recordSecret } from '../secret-sweep.ts'

export interface OpenWindow {
  readonly generation: number
  readonly pin: string
  readonly expiresAt: number
}

interface WindowState extends OpenWindow {
  failures: number
}

export interface WindowRules {
  readonly maxPinTtl: number
  readonly maxFailures: number
  /** Fault no-pin-failure-budget: failed confirmations never close the window. */
  readonly unlimitedFailures: boolean
}

export class PairingWindow {
  readonly #rules: WindowRules
  readonly #backend: CryptoBackend
  #current: WindowState | undefined
  #generation = 0

  constructor(rules: WindowRules, backend: CryptoBackend = defaultBackend) {
    this.#rules = rules
    this.#backend = backend
  }

  /** Spec §5.3: opens (or replaces) the window with a fresh PIN; 1 ≤ ttl ≤ max_pin_ttl. */
  open(ttl: number, now: number): OpenWindow {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > this.#rules.maxPinTtl) {
      throw new RangeError(`pairing window TTL must be an integer in 1..${this.#rules.maxPinTtl}`)
    }
    const pin = generatePin(this.#backend)
    recordSecret('pin', pin)
    this.#current = { generation: ++this.#generation, pin, expiresAt: now + ttl, failures: 0 }
    return this.#view(this.#current)
  }

  /**
   * The open window, or undefined. `checkExpiry` false ignores expires_at (faults
   * pin-never-expires and skip-ttl-check-at-finish); otherwise an expired window is closed.
   */
  current(now: number, checkExpiry = true): OpenWindow | undefined {
    const window = this.#current
    if (window === undefined) return undefined
    if (checkExpiry && now >= window.expiresAt) {
      this.#current = undefined
      return undefined
    }
    return this.#view(window)
  }

  /** Counts a failed confirmation in window `generation`; returns the attempts remaining. */
  recordFailure(generation: number): number {
    const window = this.#current
    if (window?.generation !== generation) return 0
    window.failures++
    const remaining = Math.max(0, this.#rules.maxFailures - window.failures)
    if (remaining === 0 && !this.#rules.unlimitedFailures) this.#current = undefined
    return remaining
  }

  /**
   * Closes window `generation` at its success (§5.4 single success). Returns a function that
   * reopens it unchanged, for when storing the client fails (Table 5-1: 503, window stays open);
   * it does nothing once another window has been opened.
   */
  close(generation: number): () => void {
    const window = this.#current
    if (window?.generation !== generation) return () => {}
    this.#current = undefined
    return () => {
      if (this.#current === undefined && this.#generation === generation) this.#current = window
    }
  }

  #view(window: WindowState): OpenWindow {
    return { generation: window.generation, pin: window.pin, expiresAt: window.expiresAt }
  }
}
