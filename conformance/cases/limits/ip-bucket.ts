/**
 * Empties the per-IP bucket of the harness's address (spec §10.3) with cheap discovery requests
 * and returns the first 429, for the per-IP and Retry-After cases. Both run in the last phase
 * (PHASES.perIpRate): after them the device refuses this address until the bucket refills.
 */
import { PATHS } from '../../../protocol/registry.ts'
import { httpRequest } from '../../drivers/http.ts'
import type { CaseContext } from '../../model.ts'
import { skipCase } from '../../verdicts.ts'
import { flood, type FloodResult } from './flood.ts'

/** More requests than this would make the run slow and load the device for long. */
export const MAX_FLOOD = 20_000

export function ipCapacity(ctx: CaseContext): number {
  const capacity = ctx.target.discovery.limits['rate_ip_per_minute']!
  if (capacity > MAX_FLOOD) {
    skipCase(`rate_ip_per_minute ${capacity} needs more than ${MAX_FLOOD} requests to exhaust`)
  }
  return capacity
}

export function emptyIpBucket(ctx: CaseContext): Promise<FloodResult> {
  const cheap = { method: 'GET', path: PATHS.discovery }
  return flood(ctx, ipCapacity(ctx), (quiet) => httpRequest(quiet, cheap))
}
