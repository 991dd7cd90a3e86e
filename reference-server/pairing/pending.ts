/**
 * Pending pairings of spec §5.10: what the device keeps between pair/start and pair/finish,
 * under a random 16-byte pairing_id (base64url, §5.7), for pairing_ttl seconds. A pairing_id is
 * single use: `take` removes it whatever the outcome of the pair/finish that follows (§5.8), so a
 * wrong cA can never be retried against the same state. A window has at most
 * max_concurrent_pairings pending pairings; those of earlier windows do not count against it.
 */
import { defaultBackend, type CryptoBackend } from '../../protocol/crypto/index.ts'
import { base64urlEncode } from '../../protocol/encoding.ts'
import type { DevicePairingState } from '../../protocol/spake2/index.ts'
import { recordSecret } from '../secret-sweep.ts'

/** Random bytes in a pairing_id (spec §5.7). */
export const PAIRING_ID_BYTES = 16

export interface PendingPairing {
  readonly state: DevicePairingState
  /** The generation of the window the pairing was started in (PairingWindow). */
  readonly windowGeneration: number
  readonly clientKey: Uint8Array
  readonly clientName: string
  readonly expiresAt: number
}

export class PendingPairings {
  readonly #max: number
  readonly #backend: CryptoBackend
  readonly #byId = new Map<string, PendingPairing>()

  constructor(maxConcurrent: number, backend: CryptoBackend = defaultBackend) {
    this.#max = maxConcurrent
    this.#backend = backend
  }

  /** True when window `generation` may start one more pairing now. */
  hasRoom(now: number, generation: number): boolean {
    this.#purge(now)
    let count = 0
    for (const pending of this.#byId.values()) if (pending.windowGeneration === generation) count++
    return count < this.#max
  }

  /** Keeps `pending` and returns its new pairing_id; call hasRoom first. */
  add(pending: PendingPairing): string {
    const id = base64urlEncode(this.#backend.randomBytes(PAIRING_ID_BYTES))
    recordSecret('pairing-id', id)
    this.#byId.set(id, pending)
    return id
  }

  /** Removes and returns the pairing, or undefined when unknown, used or expired (§2.7). */
  take(id: string, now: number): PendingPairing | undefined {
    const pending = this.#byId.get(id)
    this.#byId.delete(id)
    return pending !== undefined && now < pending.expiresAt ? pending : undefined
  }

  // Expired pairings are dropped, which also drops their keys (§5.10 erase).
  #purge(now: number): void {
    for (const [id, pending] of this.#byId) if (now >= pending.expiresAt) this.#byId.delete(id)
  }
}
