/**
 * Empties the per-IP bucket of the harness's address (spec §10.3) and returns the first 429, for
 * the per-IP and Retry-After cases. The bucket "counts every HTTP request, WebSocket upgrade
 * requests included", so the flood takes every kind of request: were one kind not counted, the
 * 429 would come after more requests than the bucket admits and the flood fails. Every other
 * request is an upgrade, the kind served outside the HTTP request listener (an uncounted upgrade
 * delays the 429 to twice the capacity, beyond the bound however loaded the machine); the HTTP
 * kinds take the other turns (one uncounted of six: 12/11 of the capacity).
 * Each kind is cheap and refused before any work (no ticket, no signature, no valid body). Both
 * cases run in the last phase (PHASES.perIpRate): after them the device refuses this address
 * until the bucket refills.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { PATHS } from '../../../protocol/registry.ts'
import { httpRequest, type HttpRequest, type HttpResponse } from '../../drivers/http.ts'
import { rawUpgradeRequest } from '../../drivers/session-socket.ts'
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

export type RequestKind = readonly [name: string, send: (ctx: CaseContext) => Promise<HttpResponse>]

const http = (req: HttpRequest) => (ctx: CaseContext) => httpRequest(ctx, req)

/** A WebSocket upgrade request without a ticket (spec §7.2: refused 401 before the upgrade). */
async function upgradeWithoutTicket(ctx: CaseContext): Promise<HttpResponse> {
  const headers = {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': Buffer.from(defaultBackend.randomBytes(16)).toString('base64'),
  }
  const answer = await rawUpgradeRequest(ctx, '', headers, 'upgrade without a ticket')
  return answer === 'upgraded' ? { status: 101, headers: {}, bodyText: '' } : answer
}

/** One request of every kind the device serves (spec §2.9's table), each refused cheaply. */
export const REQUEST_KINDS: readonly RequestKind[] = [
  ['GET discovery', http({ method: 'GET', path: PATHS.discovery })],
  ['WebSocket upgrade', upgradeWithoutTicket],
  ['POST tickets unsigned', http({ method: 'POST', path: PATHS.tickets, body: { v: 1 } })],
  ['POST rpc unsigned', http({ method: 'POST', path: PATHS.rpc, body: { jsonrpc: '2.0', id: 1, method: 'x' } })],
  ['DELETE clients/self unsigned', http({ method: 'DELETE', path: PATHS.clientsSelf })],
  ['POST pair/start with an empty object', http({ method: 'POST', path: PATHS.pairStart, body: {} })],
  ['POST pair/finish with an empty object', http({ method: 'POST', path: PATHS.pairFinish, body: {} })],
]

export function emptyIpBucket(ctx: CaseContext): Promise<FloodResult> {
  const httpKinds = REQUEST_KINDS.filter(([, send]) => send !== upgradeWithoutTicket)
  let turn = 0
  const send = (quiet: CaseContext) => {
    turn += 1
    const next = turn % 2 === 0 ? upgradeWithoutTicket : httpKinds[(turn >> 1) % httpKinds.length]![1]
    return next(quiet)
  }
  return flood(ctx, ipCapacity(ctx), send)
}
