/**
 * Pending pairings of spec §5.10: what the device keeps between pair/start and pair/finish,
 * under a random 16-byte pairing_id (base64url, §5.7), for pairing_ttl seconds. A pairing_id is
 * single use: `take` removes it whatever the outcome of the pair/finish that follows (§5.8), so a
 * wrong cA can never be retried against the same state. A window has at most
 * max_concurrent_pairings pending pairings; those of earlier windows do not count against it.
 * They are kept in the store, so a pairing started on one node finishes on any other (§13.4).
 */
import { defaultBackend, type CryptoBackend } from '../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../../protocol/encoding.ts'
import type { DevicePairingState } from '../../protocol/spake2/index.ts'
import { recordSecret } from '../secret-sweep.ts'
import type { PairingStore, PendingRecord } from '../store/pairing-state.ts'

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
  readonly #store: PairingStore
  readonly #backend: CryptoBackend

  constructor(maxConcurrent: number, store: PairingStore, backend: CryptoBackend = defaultBackend) {
    this.#max = maxConcurrent
    this.#store = store
    this.#backend = backend
  }

  /**
   * True when window `generation` may start one more pairing now: checked before the SPAKE2 work
   * (spec §5.7 steps 4, 5). `add` checks again, atomically, for pairings started meanwhile.
   */
  async hasRoom(generation: number, now: number): Promise<boolean> {
    return (await this.#store.countPairings(generation, now)) < this.#max
  }

  /**
   * Keeps `pending` and returns its new pairing_id, or undefined when its window already has
   * max_concurrent_pairings pending at `now`.
   */
  async add(pending: PendingPairing, now: number): Promise<string | undefined> {
    const id = base64urlEncode(this.#backend.randomBytes(PAIRING_ID_BYTES))
    recordSecret('pairing-id', id)
    const added = await this.#store.addPairing(id, recordOf(pending), this.#max, now)
    return added ? id : undefined
  }

  /** Removes and returns the pairing, or undefined when unknown, used or expired (§2.7). */
  async take(id: string, now: number): Promise<PendingPairing | undefined> {
    const record = await this.#store.takePairing(id)
    if (record === undefined || now >= record.expires_at) return undefined
    return this.#pendingOf(record)
  }

  #pendingOf(record: PendingRecord): PendingPairing {
    const bytes = (field: string) => base64urlDecode(field)
    return {
      // Taken once from the store, so this state allows the one confirmation of §5.8.
      state: {
        TT: bytes(record.TT),
        Ke: bytes(record.Ke),
        KcA: bytes(record.KcA),
        KcB: bytes(record.KcB),
        backend: this.#backend,
        confirmed: false,
      },
      windowGeneration: record.generation,
      clientKey: bytes(record.client_key),
      clientName: record.client_name,
      expiresAt: record.expires_at,
    }
  }
}

function recordOf(pending: PendingPairing): PendingRecord {
  const { state } = pending
  return {
    generation: pending.windowGeneration,
    client_key: base64urlEncode(pending.clientKey),
    client_name: pending.clientName,
    expires_at: pending.expiresAt,
    TT: base64urlEncode(state.TT),
    Ke: base64urlEncode(state.Ke),
    KcA: base64urlEncode(state.KcA),
    KcB: base64urlEncode(state.KcB),
  }
}
