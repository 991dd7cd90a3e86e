/**
 * The endpoints a paired client calls with signed requests (spec §6, §8, §9): POST tickets,
 * POST rpc and DELETE clients/self. Each follows spec §10.1: read the body under the limits,
 * authenticate the signature (signed.ts, §8.7), apply the per-client rate limit, check the media
 * type, and only then look at the content.
 */
import { newTicket } from '../../protocol/tickets.ts'
import { PROBLEMS, PROTOCOL_VERSION, RPC_ERRORS } from '../../protocol/registry.ts'
import { dispatchRpcText, rpcError } from '../rpc/index.ts'
import { isRelayedAddress } from '../relay/slot.ts'
import { recordSecret } from '../secret-sweep.ts'
import type { ClientRecord } from '../store/store.ts'
import { readBody, requireJsonMediaType } from './body.ts'
import type { HttpDeps } from './deps.ts'
import { HttpProblem } from './http-problem.ts'
import { parseMessage } from './message.ts'
import { sendJson, sendNoContent } from './respond.ts'
import { revokeClient } from './revocation.ts'
import type { Exchange, Handler } from './router.ts'
import { authenticate } from './signed.ts'

interface SignedExchange {
  readonly client: ClientRecord
  readonly body: Uint8Array
}

async function signedRequest(deps: HttpDeps, ex: Exchange): Promise<SignedExchange> {
  const body = await readBody(ex, deps.body)
  const client = await authenticate(deps.ctx, ex, body)
  // §10.3: keyed by client_id (fault client-bucket-by-address: by the source address).
  const byAddress = deps.ctx.faults.has('client-bucket-by-address')
  const decision = deps.clientLimiter?.take(byAddress ? ex.remote : client.client_id)
  if (decision?.allowed === false) {
    throw new HttpProblem(PROBLEMS.rateLimited, { retryAfter: decision.retryAfter })
  }
  requireJsonMediaType(ex, body)
  return { client, body }
}

/** Spec §6.1: a single-use ticket, stored only as its SHA-256, bound to the client. */
export function tickets(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex) => {
    const { client, body } = await signedRequest(deps, ex)
    parseMessage('ticket-request', body)
    const { ticket, hash } = newTicket(ctx.backend)
    recordSecret('ticket', ticket)
    recordSecret('ticket-hash', hash)
    await ctx.store.putTicket(hash, client.client_id, ctx.limits.ticket_ttl * 1000)
    ctx.audit.record('ticket.issue', { client_id: client.client_id })
    sendJson(ex.res, 200, {
      v: PROTOCOL_VERSION,
      ticket,
      expires_at: ctx.now() + ctx.limits.ticket_ttl,
    })
  }
}

/**
 * Spec §8.9: one JSON-RPC 2.0 request per signed POST, answered like the same message in a
 * session; a notification is answered 204. A body that is not JSON is the JSON-RPC parse error.
 */
export function rpc(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex) => {
    // Spec §15.5: through a relay, plaintext RPC would be read by the relay; sessions only.
    if (isRelayedAddress(ex.remote)) throw new HttpProblem(PROBLEMS.notFound)
    const { client, body } = await signedRequest(deps, ex)
    const caller = { clientId: client.client_id }
    const response = await dispatchRpcText(body, caller, ctx.rpcMethods, ctx.log)
    if (response === null) sendNoContent(ex.res)
    else sendJson(ex.res, 200, response, rpcError(response.id, RPC_ERRORS.internalError))
  }
}

/** Spec §9.2: the client unpairs itself; its tickets and live sessions die with its record. */
export function clientsSelf(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex) => {
    const { client } = await signedRequest(deps, ex)
    await revokeClient(ctx, client.client_id, 'self')
    sendNoContent(ex.res)
  }
}
