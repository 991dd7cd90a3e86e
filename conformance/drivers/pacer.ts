/**
 * Keeps the harness within the per-IP rate limit the device advertises (spec §10.3), so that a
 * conforming device with its default limits is judged on the rule each case checks, not refused
 * with 429 halfway through the run.
 *
 * The model is the bucket of §10.3 exactly: capacity N = rate_ip_per_minute, refilled
 * continuously at N per 60 s, full at the start. Every request the harness sends takes a token;
 * `take` waits until the model holds one. The model can be wrong (the device's bucket was not
 * full: another run just ended, or the --pin-command talks to it too), so a request answered
 * 429 rate-limited tells the pacer (`refused`), which empties the model until the Retry-After
 * time, and the driver sends it again after that (see http.ts).
 *
 * Cases that judge rate limiting (their contexts carry `rateLimitIsAnswer`) neither wait nor
 * retry: they `spend` tokens so that the model still counts what they sent.
 */
import { sleep } from './advertised.ts'

/** Tokens held back from the model's capacity, for requests in flight when it was read. */
const RESERVE = 2

export class RequestPacer {
  readonly #capacity: number
  readonly #perMs: number
  readonly #now: () => number
  #tokens: number
  #at: number
  /** Total time `take` and `refused` made the harness wait, for the case timeouts and the report. */
  waitedMs = 0

  constructor(perMinute: number, now: () => number = () => performance.now()) {
    this.#capacity = Math.max(1, perMinute - RESERVE)
    this.#perMs = perMinute / 60_000
    this.#now = now
    this.#tokens = this.#capacity
    this.#at = now()
  }

  #refill(): void {
    const now = this.#now()
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#perMs)
    this.#at = now
  }

  /** Waits until the model bucket holds a token, then takes it. */
  async take(): Promise<void> {
    this.#refill()
    while (this.#tokens < 1) {
      const waitMs = Math.ceil((1 - this.#tokens) / this.#perMs)
      this.waitedMs += waitMs
      await sleep(waitMs)
      this.#refill()
    }
    this.#tokens -= 1
  }

  /** Takes a token without waiting: the model may go below zero. */
  spend(): void {
    this.#refill()
    this.#tokens -= 1
  }

  /** The device said 429 with `retryAfter` seconds: empty the model until then and wait. */
  async refused(retryAfter: number): Promise<void> {
    const waitMs = retryAfter * 1000
    this.#refill()
    this.#tokens = Math.min(this.#tokens, -waitMs * this.#perMs)
    this.waitedMs += waitMs
    await sleep(waitMs)
  }
}
