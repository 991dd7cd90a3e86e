/**
 * Per-key token buckets for the rate limits of spec §10: one bucket per remote address
 * (rate_ip_per_minute) and one per authenticated client (rate_client_per_minute). A bucket holds
 * at most `perMinute` tokens and refills continuously at perMinute / 60 tokens per second; a
 * request takes one token or is refused with the whole seconds until one is back (Retry-After).
 *
 * Memory is bounded: a bucket left alone for a minute is full again, which is the same as having
 * no bucket, so idle buckets are dropped; past `maxBuckets` live ones the least recently used is
 * dropped (that key merely starts again from a full bucket).
 */

export type RateDecision = { allowed: true } | { allowed: false; retryAfter: number }

interface Bucket {
  tokens: number
  updatedMs: number
}

const MINUTE_MS = 60_000
const DEFAULT_MAX_BUCKETS = 10_000

export class RateLimiter {
  readonly #perMinute: number
  readonly #maxBuckets: number
  readonly #nowMs: () => number
  // Map iteration order is insertion order; take() re-inserts, so the first key is the LRU one.
  readonly #buckets = new Map<string, Bucket>()

  constructor(perMinute: number, options: { maxBuckets?: number; nowMs?: () => number } = {}) {
    this.#perMinute = perMinute
    this.#maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS
    this.#nowMs = options.nowMs ?? Date.now
  }

  get size(): number {
    return this.#buckets.size
  }

  take(key: string): RateDecision {
    const now = this.#nowMs()
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perMinute, updatedMs: now }
    const refill = ((now - bucket.updatedMs) * this.#perMinute) / MINUTE_MS
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + refill)
    bucket.updatedMs = now
    this.#buckets.delete(key)
    this.#buckets.set(key, bucket)
    this.#evict(now)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true }
    }
    const waitMs = ((1 - bucket.tokens) * MINUTE_MS) / this.#perMinute
    return { allowed: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) }
  }

  #evict(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      const idle = now - bucket.updatedMs >= MINUTE_MS
      if (!idle && this.#buckets.size <= this.#maxBuckets) break
      this.#buckets.delete(key)
    }
  }
}
