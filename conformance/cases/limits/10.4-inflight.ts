/**
 * Spec §10.4 {#pw-limit-10.4-inflight}: a request whose body would make the in-flight total exceed
 * max_inflight_bytes is answered 503 overloaded (with Retry-After, Table 10-1 step 5) without
 * reading its body. The harness holds k = floor(max_inflight_bytes / max_body) requests that each
 * announce max_body bytes and send none (k·max_body ≤ the budget), then announces one more; when
 * the held requests are gone, a small body must be admitted again.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest } from '../../drivers/http.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { PHASES } from '../../phases.ts'
import { fail, firstFailure, skip } from '../../verdicts.ts'
import { announceBody, holdBody } from './oversize.ts'
import { expectRetryAfter } from './retry-after.ts'

/** Connections the harness holds open at most for this case. */
const MAX_HELD = 64
/** Time for the device to admit the held heads before the probe. */
const SETTLE_MS = 300
const POLL_MS = 100

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** After the held requests are gone, a small body is admitted again (within ctx.timeoutMs). */
async function released(ctx: CaseContext): Promise<boolean> {
  const quiet: CaseContext = { ...ctx, record: () => undefined }
  const deadline = Date.now() + ctx.timeoutMs
  while (Date.now() < deadline) {
    const res = await httpRequest(quiet, { method: 'POST', path: PATHS.pairStart, body: '{"v":2}' })
    if (res.status !== 503) return true
    await sleep(POLL_MS)
  }
  return false
}

export const inflight: CaseDefinition = {
  id: '10.4-inflight',
  level: 'MUST',
  requirement: 'pw-limit-10.4-inflight',
  title: 'a body that would exceed max_inflight_bytes gets 503 overloaded without being read',
  phase: PHASES.budgets,
  async run(ctx) {
    const maxBody = ctx.target.discovery.limits['max_body']!
    const budget = ctx.target.discovery.limits['max_inflight_bytes']!
    const held = Math.floor(budget / maxBody)
    if (held > MAX_HELD) {
      return skip(`needs ${held + 1} concurrent requests; the harness holds at most ${MAX_HELD}`)
    }
    const connections = []
    for (let i = 0; i < held; i++) connections.push(await holdBody(ctx, { length: maxBody }))
    const step = `hold ${held} requests announcing max_body = ${maxBody} bytes, bodies withheld`
    ctx.record({ step, sent: { total: held * maxBody, budget } })
    await sleep(SETTLE_MS)
    const early = connections.map((c) => c.response()).find((res) => res !== undefined)
    if (early !== undefined) {
      const message = 'a request within the in-flight budget was answered before its body arrived'
      return fail(message, 'no answer yet', { status: early.status })
    }
    const res = await announceBody(ctx, { length: maxBody })
    for (const connection of connections) connection.close()
    if (res === undefined) {
      const expected = { status: 503, problem: PROBLEMS.overloaded.name }
      return fail('no answer to a body over the in-flight budget', expected, 'no answer')
    }
    const refused = firstFailure(expectProblem(res, PROBLEMS.overloaded), expectRetryAfter(res))
    if (refused.status !== 'pass') return refused
    const free = await released(ctx)
    const actual = free ? 'admitted' : 'still 503'
    ctx.record({ step: 'close the held requests, then send a small body', actual })
    if (free) return refused
    const message = `the budget stayed spent ${ctx.timeoutMs} ms after the held requests closed`
    return fail(message, 'a small body admitted', actual)
  },
}
