/**
 * The pre-upgrade gate of the session WebSocket (spec §7.2): before any WebSocket exists, the
 * request must be a valid opening handshake on PATHS.websocket carrying exactly one ticket that
 * the store hands over once (an atomic take, spec §6), for a client that is still paired. Every
 * refusal is an RFC 9457 problem on the HTTP connection, which is then closed: no socket is ever
 * opened for an unauthenticated client. The steps of the spec's table, in its order (§10.1: an
 * upgrade on any other path is 404 not-found, after the rate limit):
 *   1 per-IP rate limit                                  → 429 rate-limited + Retry-After
 *   2 not an RFC 6455 §4.2.1 version-13 opening handshake → 400 malformed-request
 *   3 no ticket parameter, or one with an empty value → 401 ticket-missing;
 *     several → 401 ticket-invalid
 *   4 not canonical base64url of 32 bytes                → 401 ticket-invalid
 *   5 unknown, expired or used ticket                    → 401 ticket-invalid
 *     the store cannot be reached                        → 503 store-unavailable (fail closed)
 *   6 the ticket's client is no longer registered        → 401 ticket-invalid
 * So a request that cannot become a WebSocket never burns a ticket. A signed upgrade (no ticket
 * parameter, a Signature-Input field) replaces steps 3 - 6 when the device accepts them:
 *   3s the steps of spec §8.7 (http/signed.ts), nonce claimed → their 400/401 answers
 *   4s the per-client rate limit                         → 429 rate-limited + Retry-After
 */
import type { IncomingMessage } from 'node:http'
import { PATHS, PROBLEMS, type ProblemEntry } from '../../protocol/registry.ts'
import { ticketHash } from '../../protocol/tickets.ts'
import type { ServerContext } from '../context.ts'
import { HttpProblem } from '../http/http-problem.ts'
import { authenticate } from '../http/signed.ts'
import { recordSecret } from '../secret-sweep.ts'
import { StoreUnavailableError, type ClientRecord } from '../store/store.ts'

export type Admission =
  | { ok: true; client: ClientRecord }
  | { ok: false; problem: ProblemEntry; retryAfter?: number; extras?: Record<string, unknown> }

/** The per-IP limiter the HTTP endpoints share (spec §10.3); absent when rate limits are off. */
export interface IpLimiter {
  take(key: string): { allowed: true } | { allowed: false; retryAfter: number }
}

/** The per-client limiter of signed requests (spec §10.3), keyed by client_id. */
export type ClientLimiter = IpLimiter

export interface GateLimiters {
  readonly ipLimiter?: IpLimiter | undefined
  readonly clientLimiter?: ClientLimiter | undefined
}

/** A signed upgrade has no body: its covered components are @method and @target-uri (§8.2). */
const NO_BODY = new Uint8Array(0)

// RFC 6455 §4.1: Sec-WebSocket-Key is 16 random bytes in base64 (24 characters).
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/
export const WEBSOCKET_VERSION = '13'

const refuse = (problem: ProblemEntry): Admission => ({ ok: false, problem })

const hasToken = (header: string | undefined, token: string) =>
  header?.split(',').some((value) => value.trim().toLowerCase() === token) === true

/** RFC 6455 §4.2.1 (node:http emits 'upgrade' only with `Connection: upgrade` already). */
function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key']
  return (
    req.method === 'GET' &&
    hasToken(req.headers.upgrade, 'websocket') &&
    typeof key === 'string' &&
    WEBSOCKET_KEY.test(key) &&
    req.headers['sec-websocket-version'] === WEBSOCKET_VERSION
  )
}

/** The ticket parameter of an origin-form request target (RFC 9112 §3.2.1). */
function ticketsOf(target: string): { path: string; tickets: string[] } {
  const query = target.indexOf('?')
  if (query === -1) return { path: target, tickets: [] }
  const tickets = new URLSearchParams(target.slice(query + 1)).getAll('ticket')
  return { path: target.slice(0, query), tickets }
}

/**
 * Hands the ticket over: taken atomically, so it opens at most one session. Under the fault
 * accept-reused-ticket it is only looked at (taken and put back for a full ticket_ttl).
 */
async function redeem(ctx: ServerContext, hash: string): Promise<string | undefined> {
  const clientId = await ctx.store.takeTicket(hash)
  if (clientId !== undefined && ctx.faults.has('accept-reused-ticket')) {
    await ctx.store.putTicket(hash, clientId, ctx.limits.ticket_ttl * 1000)
  }
  return clientId
}

async function clientOfTicket(ctx: ServerContext, ticket: string): Promise<Admission> {
  let hash: string
  try {
    hash = ticketHash(ticket, ctx.backend)
  } catch {
    return refuse(PROBLEMS.ticketInvalid)
  }
  recordSecret('ticket', ticket)
  try {
    const clientId = await redeem(ctx, hash)
    const client = clientId === undefined ? undefined : await ctx.store.getClient(clientId)
    return client === undefined ? refuse(PROBLEMS.ticketInvalid) : { ok: true, client }
  } catch (e) {
    if (e instanceof StoreUnavailableError) return refuse(PROBLEMS.storeUnavailable)
    throw e
  }
}

/** Steps 3s and 4s of spec §7.2: the signed upgrade's client, or the first failure's answer. */
async function clientOfSignature(
  req: IncomingMessage,
  ctx: ServerContext,
  clientLimiter: ClientLimiter | undefined,
): Promise<Admission> {
  let client: ClientRecord
  try {
    client = await authenticate(ctx, { req, remote: req.socket.remoteAddress ?? '' }, NO_BODY, 'upgrade')
  } catch (e) {
    if (e instanceof HttpProblem) {
      const { retryAfter, extras } = e.options
      return { ok: false, problem: e.entry, retryAfter, extras }
    }
    if (e instanceof StoreUnavailableError) return refuse(PROBLEMS.storeUnavailable)
    throw e
  }
  const decision = clientLimiter?.take(client.client_id)
  if (decision?.allowed === false) {
    return { ok: false, problem: PROBLEMS.rateLimited, retryAfter: decision.retryAfter }
  }
  return { ok: true, client }
}

/** Decides whether an upgrade request may become a session, and for which client. */
export async function admit(
  req: IncomingMessage,
  ctx: ServerContext,
  { ipLimiter, clientLimiter }: GateLimiters = {},
): Promise<Admission> {
  // §10.3: upgrades take a token like every HTTP request (fault upgrades-skip-ip-bucket: none).
  const skip = ctx.faults.has('upgrades-skip-ip-bucket')
  const rate = skip ? undefined : ipLimiter?.take(req.socket.remoteAddress ?? '')
  if (rate?.allowed === false) {
    return { ok: false, problem: PROBLEMS.rateLimited, retryAfter: rate.retryAfter }
  }
  const { path, tickets } = ticketsOf(req.url ?? '')
  if (path !== PATHS.websocket) return refuse(PROBLEMS.notFound)
  if (!isWebSocketUpgrade(req)) return refuse(PROBLEMS.malformedRequest)
  const [ticket] = tickets
  if (tickets.length > 1) return refuse(PROBLEMS.ticketInvalid)
  const signed = ticket === undefined && req.headers['signature-input'] !== undefined
  if (signed && ctx.signedUpgrade) return clientOfSignature(req, ctx, clientLimiter)
  if (ticket === undefined || ticket === '') return refuse(PROBLEMS.ticketMissing)
  return clientOfTicket(ctx, ticket)
}
