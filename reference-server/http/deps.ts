/**
 * The state the HTTP side of the device keeps besides the shared ServerContext: the pairing
 * window and pending pairings (spec §5), the body rules and the rate limiters (spec §10).
 */
import type { ServerContext } from '../context.ts'
import { InflightBudget } from '../limits/inflight-budget.ts'
import { RateLimiter } from '../limits/rate-limiter.ts'
import { PendingPairings } from '../pairing/pending.ts'
import { PairingWindow } from '../pairing/window.ts'
import type { BodyRules } from './body.ts'

export interface HttpDeps {
  readonly ctx: ServerContext
  readonly window: PairingWindow
  readonly pending: PendingPairings
  readonly body: BodyRules
  /** Absent under fault no-rate-limit (both limiters). */
  readonly ipLimiter?: RateLimiter
  readonly clientLimiter?: RateLimiter
}

export function createHttpDeps(ctx: ServerContext): HttpDeps {
  const { limits, faults, backend } = ctx
  const rules = {
    maxPinTtl: limits.max_pin_ttl,
    maxFailures: limits.max_pin_failures,
    unlimitedFailures: faults.has('no-pin-failure-budget'),
  }
  const limiters = faults.has('no-rate-limit')
    ? {}
    : {
        ipLimiter: new RateLimiter(limits.rate_ip_per_minute),
        clientLimiter: new RateLimiter(limits.rate_client_per_minute),
      }
  return {
    ctx,
    window: new PairingWindow(rules, ctx.store.pairing, backend),
    pending: new PendingPairings(limits.max_concurrent_pairings, ctx.store.pairing, backend),
    body: {
      maxBody: limits.max_body,
      enforceMaxBody: !faults.has('accept-oversized-body'),
      inflight: new InflightBudget(limits.max_inflight_bytes),
    },
    ...limiters,
  }
}
