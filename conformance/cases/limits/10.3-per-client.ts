/**
 * Spec §10.3 {#pw-limit-10.3-per-client}: a signed request that finds the per-client bucket of its
 * client_id empty is refused 429 rate-limited. A freshly paired client sends signed requests,
 * `pairwire.echo` calls to /pairwire/v1/rpc and ticket requests in turn, until a 429; a cheap unsigned request right after
 * tells the per-client refusal from the per-IP one (the per-IP bucket must still admit it).
 * The bucket is the client_id's, not the address's: a second client paired from the same address
 * must still be admitted right after the first one's 429 — and more often than a bucket shared
 * by the address could have refilled since (see neighbourOutrunsRefill).
 */
import { METHODS, PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest, summarize, type HttpResponse } from '../../drivers/http.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition, Verdict } from '../../model.ts'
import { PHASES } from '../../phases.ts'
import { fail, firstFailure, skip } from '../../verdicts.ts'
import { flood } from './flood.ts'
import { MAX_FLOOD } from './ip-bucket.ts'

export const perClient: CaseDefinition = {
  id: '10.3-per-client',
  level: 'MUST',
  requirement: 'pw-limit-10.3-per-client',
  directOnly: 'plain-rpc',
  title: 'more than rate_client_per_minute signed requests (rpc and tickets) of one client get 429 rate-limited',
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
    // Every signed endpoint takes a token (§10.3: every signed request that passed §8.7 step 10),
    // so the flood alternates rpc with tickets: a device that lets one of them skip the bucket
    // admits half as many again as the bucket holds, past flood()'s bound.
    let sentTo = 0
    const ticket = (quiet: CaseContext) =>
      signedRequest(quiet, client, { method: 'POST', path: PATHS.tickets, body: { v: PROTOCOL_VERSION } })
    const result = await flood(ctx, capacity, (quiet) =>
      (sentTo += 1) % 2 === 0 ? ticket(quiet) : echo(quiet, client),
    )
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
    const verdict = await neighbourOutrunsRefill(judged, result.refusedSentAt!, capacity, (quiet) =>
      echo(quiet, neighbour),
    )
    if (verdict !== undefined) return verdict
    return firstFailure(expectProblem(refused, PROBLEMS.rateLimited))
  },
}

const NEIGHBOUR_CONCURRENCY = 4

/**
 * Sends the neighbour's signed requests until more were admitted than a bucket shared with the
 * first client could hold. That bucket was empty at some moment after `emptySince` (when the
 * refused request was sent), so by now it regained at most ⌈N·(now − emptySince)/60 s⌉ + 1
 * tokens (§10.3: N per 60 s, plus the fraction of a token it may have held). Admitting more
 * proves the buckets are apart whatever the device's speed or the load; a single admitted
 * request proves nothing when the refill is 200 ms per token and the machine is slow. Undefined when proven; a failure when the neighbour got a 429 while the per-IP bucket
 * still admits; a skip when the neighbour's own bucket would run out before the proof.
 */
async function neighbourOutrunsRefill(
  ctx: CaseContext,
  emptySince: number,
  capacity: number,
  send: (quiet: CaseContext) => Promise<HttpResponse>,
): Promise<Verdict | undefined> {
  const quiet: CaseContext = { ...ctx, record: () => undefined }
  const refilled = (): number => Math.ceil((capacity * (Date.now() - emptySince)) / 60_000) + 1
  let admitted = 0
  let inFlight = 0
  let refusedNeighbour: HttpResponse | undefined
  // Never more than the neighbour's own full bucket holds: a 429 then would be its own.
  const mayGoOn = (): boolean =>
    refusedNeighbour === undefined && admitted <= refilled() && admitted + inFlight < capacity
  const worker = async (): Promise<void> => {
    while (mayGoOn()) {
      inFlight += 1
      const res = await send(quiet)
      inFlight -= 1
      if (res.status === 200) admitted += 1
      else refusedNeighbour ??= res
    }
  }
  await Promise.all(Array.from({ length: NEIGHBOUR_CONCURRENCY }, worker))
  const bound = refilled()
  const step =
    'signed requests of another client from the same address ' +
    `(a bucket shared with the first client regained at most ${bound} tokens)`
  if (refusedNeighbour !== undefined) {
    ctx.record({ step, expected: 200, actual: summarize(refusedNeighbour) })
    if (refusedNeighbour.status !== 429) {
      return fail('a signed echo of a second paired client was refused', 200, summarize(refusedNeighbour))
    }
    const again = await httpRequest(ctx, { method: 'GET', path: PATHS.discovery, step: 'unsigned request after it' })
    if (again.status === 429) {
      return skip('the per-IP bucket ran out while the second client was being checked')
    }
    return fail(
      "one client's empty bucket refused another client from the same address: the per-client " +
        'bucket must be keyed by client_id',
      200,
      summarize(refusedNeighbour),
    )
  }
  ctx.record({ step, expected: `more than ${bound} admitted`, actual: `${admitted} admitted` })
  if (admitted <= bound) {
    const counts = `${admitted} admitted, ${bound} tokens regained`
    return skip(`the device answered too slowly to outrun the refill (${counts})`)
  }
  return undefined
}
