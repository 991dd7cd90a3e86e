/** Client mode, spec §6.6: how a client uses tickets. */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { failedVerification, noSession, reportedProblem, succeeded } from '../checks.ts'
import { requestsTo, sessionsOf } from '../device.ts'
import { clientCase, sessionCase } from './common.ts'

export const ticketCases = [
  clientCase('6.6-client-single-use', 'pw-ticket-6.6-client-single-use',
    'two calls request two tickets and present each in one upgrade only', async (ctx) => {
      const paired = await ctx.paired()
      const first = await ctx.call(paired)
      const second = await ctx.call(paired)
      const presented = [...sessionsOf(first.log), ...sessionsOf(second.log)].map((s) => s.ticket)
      const requested = requestsTo([...first.log, ...second.log], PATHS.tickets).length
      const distinct = new Set(presented).size === presented.length
      return firstFailure(succeeded(first), succeeded(second),
        distinct && presented.length === 2 && requested === 2 ? null
          : fail('a ticket was presented twice, or a session had no ticket of its own', { tickets: 2, upgrades: 2, distinct: true }, { tickets: requested, upgrades: presented.length, distinct }))
    }),
  sessionCase('6.6-client-expiry', 'pw-ticket-6.6-client-expiry',
    'a ticket whose expires_at is 10 minutes past is not presented',
    { tickets: { rewrite: (a) => ({ ...a, expires_at: Math.floor(Date.now() / 1000) - 600 }) } },
    (o) => [failedVerification(o, 'the ticket expired 10 minutes ago'), noSession(o, 'the ticket expired 10 minutes ago')]),
  sessionCase('6.6-client-refused-unknown-key', 'pw-ticket-6.6-client-refused',
    'a ticket request refused 401 unknown-key opens no WebSocket and is reported',
    { tickets: { problem: PROBLEMS.unknownKey } },
    (o) => [reportedProblem(o, PROBLEMS.unknownKey), noSession(o, 'the ticket request was refused')]),
  sessionCase('6.6-client-refused-rate-limited', 'pw-ticket-6.6-client-refused',
    'a ticket request refused 429 rate-limited opens no WebSocket and is reported',
    { tickets: { problem: PROBLEMS.rateLimited, headers: { 'retry-after': '30' } } },
    (o) => [reportedProblem(o, PROBLEMS.rateLimited), noSession(o, 'the ticket request was refused')]),
  sessionCase('6.6-client-refused-signature-invalid', 'pw-ticket-6.6-client-refused',
    'a ticket request refused 401 signature-invalid opens no WebSocket and is reported',
    { tickets: { problem: PROBLEMS.signatureInvalid } },
    (o) => [reportedProblem(o, PROBLEMS.signatureInvalid), noSession(o, 'the ticket request was refused')]),
  sessionCase('6.6-client-upgrade-refused', 'pw-ticket-6.6-client-single-use',
    'an upgrade refused 401 ticket-invalid is not retried with the same ticket',
    { upgrade: PROBLEMS.ticketInvalid },
    (o) => {
      const tickets = sessionsOf(o.log).map((s) => s.ticket)
      return [reportedProblem(o, PROBLEMS.ticketInvalid),
        new Set(tickets).size === tickets.length ? null : fail('the client presented a refused ticket again', 'each ticket once', tickets.length)]
    }),
]
