/** Client mode, spec §8: the signed requests a client sends (its ticket requests, §6.1). */
import { PATHS, PROBLEMS, problemType } from '../../../protocol/registry.ts'
import { fail, firstFailure, type FailVerdict } from '../../verdicts.ts'
import { reportedProblem, succeeded } from '../checks.ts'
import { requestsTo, type HttpRecord } from '../device.ts'
import type { Outcome } from '../model.ts'
import { clientCase, sessionCase } from './common.ts'

const ticketRequests = (o: Outcome): HttpRecord[] => requestsTo(o.log, PATHS.tickets, 'POST')

function firstTicketRequest(o: Outcome): HttpRecord | FailVerdict {
  const request = ticketRequests(o)[0]
  return request ?? fail('the client sent no ticket request', 'POST /pairwire/v1/tickets', 'none')
}

/** Judges the first ticket request of a call on a correct device. */
const onTicket = (id: string, requirement: string, title: string, judge: (r: HttpRecord, o: Outcome) => FailVerdict | null) =>
  sessionCase(id, requirement, title, {}, (o) => {
    const request = firstTicketRequest(o)
    if ('status' in request && typeof request.status === 'string') return [request as FailVerdict]
    return [judge(request as HttpRecord, o), succeeded(o)]
  })

export const signedCases = [
  onTicket('8.2-client-covered-components', 'pw-sig-8.2-covered-components',
    'the ticket request covers exactly "@method" "@target-uri" "content-digest" and verifies with the client key', (r) => {
      const s = r.signature
      return s?.ok === true && JSON.stringify(s.components) === JSON.stringify(['@method', '@target-uri', 'content-digest']) ? null
        : fail('the signature does not cover exactly the profile\'s components, or does not verify', ['@method', '@target-uri', 'content-digest'], s ?? 'no signature')
    }),
  onTicket('8.2-client-parameters', 'pw-sig-8.2-parameters',
    'Signature-Input carries created, a 16-byte nonce, keyid = client_id and alg, in that order', (r) => {
      const s = r.signature
      const input = s?.signatureInput ?? ''
      const order = /;created=\d+;nonce="[A-Za-z0-9_-]{22}";keyid="pwc_[A-Za-z0-9_-]{22}";alg="(ed25519|hmac-sha256)"$/.test(input)
      return s?.ok === true && order ? null : fail('the signature parameters are not those of §8.2, in order', 'created, nonce, keyid, alg', input || 'none')
    }),
  clientCase('8.2-client-fresh-nonce', 'pw-sig-8.2-client-fresh-nonce', 'three signed requests carry three different nonces', async (ctx) => {
    const paired = await ctx.paired()
    const outcomes = [await ctx.call(paired), await ctx.call(paired), await ctx.call(paired)]
    const nonces = outcomes.flatMap((o) => ticketRequests(o).map((r) => r.signature?.nonce))
    return firstFailure(...outcomes.map((o) => succeeded(o)),
      new Set(nonces).size === nonces.length && nonces.length === 3 ? null : fail('the client reused a nonce', 'three different nonces', nonces))
  }),
  onTicket('8.2-client-created', 'pw-sig-8.2-client-created', 'created is the client\'s own time, within 5 s of the harness clock', (r) => {
    const created = r.signature?.created
    const now = r.at / 1000
    return created !== undefined && Math.abs(created - now) <= 5 ? null
      : fail('created is not the current time', `within 5 s of ${Math.floor(now)}`, created ?? 'none')
  }),
  onTicket('8.4-client-target-uri', 'pw-sig-8.4-client-target-uri', 'the signed @target-uri is the URI the request went to (the signature verifies against it)', (r) => {
    return r.signature?.ok === true ? null : fail('the signature does not verify against the request as received', 'a valid signature over the URI sent', r.signature ?? 'none')
  }),
  onTicket('8.5-client-content-digest', 'pw-sig-8.5-content-digest', 'the ticket request has a correct, covered sha-256 Content-Digest', (r) => {
    const digest = r.headers['content-digest'] ?? ''
    const covered = r.signature?.components?.includes('content-digest') === true
    return /^sha-256=:[A-Za-z0-9+/]{43}=:$/.test(digest) && covered && r.signature?.ok === true ? null
      : fail('Content-Digest is missing, wrong or not covered', 'sha-256=:…: covered and verified', { digest, covered, signature: r.signature?.problem ?? 'ok' })
  }),
  clientCase('8.7-client-clock-skew', 'pw-sig-8.7-client-clock-skew',
    'after a clock-skew answer the client signs anew at most once, or reports the problem', async (ctx) => {
      const paired = await ctx.paired({ tickets: { problem: PROBLEMS.clockSkew, problemExtra: { device_time: Math.floor(Date.now() / 1000) + 3600 } } })
      const o = await ctx.call(paired)
      const sent = ticketRequests(o)
      const nonces = sent.map((r) => r.signature?.nonce)
      const error = (o.run.stderrJson as { error?: { problem?: unknown } } | undefined)?.error
      return firstFailure(reportedProblem(o, PROBLEMS.clockSkew),
        sent.length <= 2 ? null : fail('the client sent the request again more than once', 'at most 2 ticket requests', sent.length),
        new Set(nonces).size === nonces.length ? null : fail('the client resent a request unchanged', 'a fresh nonce each time', nonces),
        error?.problem === problemType(PROBLEMS.clockSkew) ? null : fail('the client did not report the clock-skew problem', problemType(PROBLEMS.clockSkew), error ?? o.run.stderr.slice(0, 200)))
    }),
]
