/**
 * The global in-flight byte budget of spec §10: the sum of the declared sizes of the request
 * bodies being processed at once stays at or below max_inflight_bytes; a request that would go
 * past it is refused with 503 overloaded before any of its body is read. A body without a
 * Content-Length (chunked) reserves max_body, the most it may turn out to be.
 */
export class InflightBudget {
  readonly #max: number
  #used = 0

  constructor(maxBytes: number) {
    this.#max = maxBytes
  }

  get used(): number {
    return this.#used
  }

  /** Reserves `bytes`; returns a release function, or undefined when the budget is spent. */
  reserve(bytes: number): (() => void) | undefined {
    if (this.#used + bytes > this.#max) return undefined
    this.#used += bytes
    let released = false
    return () => {
      if (released) return
      released = true
      this.#used -= bytes
    }
  }
}
