/**
 * Spec §10.3 {#pw-limit-10.3-per-client}: a signed request that finds the per-client bucket of its
 * client_id empty is refused 429 rate-limited. A freshly paired client sends signed
 * `pairwire.echo` calls to /pairwire/v1/rpc until a 429; a cheap unsigned request right after
 * tells the per-client refusal from the per-IP one (the per-IP bucket must still admit it).
 * The bucket is the client_id's, not the address's: a second client paired from the same address
 * must still be admitted right after the first one's 429.
 */
import { METHODS, PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest, summarize } from '../../drivers/http.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { PHASES } from '../../phases.ts'
import { fail, firstFailure, skip } from '../../verdicts.ts'
import { flood } from './flood.ts'
import { MAX_FLOOD } from './ip-bucket.ts'

export const perClient: CaseDefinition = {
  id: '10.3-per-client',
  level: 'MUST',
  requirement: 'pw-limit-10.3-per-client',
  title: 'more than rate_client_per_minute signed requests of one client get 429 rate-limited',
  profiles: ['pairing', 'signed-http'],
  needsPin: true,
  phase: PHASES.budgets,
  async run(ctx) {
    const limits = ctx.target.discovery.limits
    const capacity = limits['rate_client_per_minute']!
    const perIp = limits['rate_ip_per_minute']!
    if (capacity > MAX_FLOOD) {
      return skip(`rate_client_per_minute ${capacity} needs more than ${MAX_FLOOD} requests`)
    }
    if (2 * capacity >= perIp) {
      return skip(
        `rate_client_per_minute ${capacity} is not well below rate_ip_per_minute ${perIp}: ` +
          'the per-IP limit of one address would refuse first',
      )
    }
    const client = await pairClient(ctx)
    const neighbour = await pairClient(ctx, { name: 'same address, another client' })
    let id = 0
    const echo = (quiet: CaseContext, who: PairedClient) =>
      signedRequest(quiet, who, {
        method: 'POST',
        path: PATHS.rpc,
        body: { jsonrpc: '2.0', id: (id += 1), method: METHODS.echo, params: {} },
      })
    const result = await flood(ctx, capacity, (quiet) => echo(quiet, client))
    const { refused, sent, seconds, allowed } = result
    if (refused === undefined) {
      const message = `${sent} signed requests of one client in ${seconds.toFixed(1)} s and no 429`
      return fail(message, `a 429 within ${allowed} requests`, `${sent} requests admitted`)
    }
    const step = 'unsigned request right after the 429'
    // Whether the per-IP bucket refuses too is the question: no waiting out a 429 here.
    const judged = { ...ctx, rateLimitIsAnswer: true }
    const probe = await httpRequest(judged, { method: 'GET', path: PATHS.discovery, step })
    if (probe.status === 429) {
      return skip('the per-IP bucket ran out before the per-client one; cannot tell them apart')
    }
    const other = await echo({ ...judged, record: ctx.record }, neighbour)
    ctx.record({ step: 'signed request of another client from the same address', expected: 200, actual: other.status })
    if (other.status !== 200) {
      return fail("one client's empty bucket refused another client from the same address: the " +
        'per-client bucket must be keyed by client_id', 200, summarize(other))
    }
    return firstFailure(expectProblem(refused, PROBLEMS.rateLimited))
  },
}
