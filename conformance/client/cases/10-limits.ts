/** Client mode, spec §10.3: a client and a 429 with Retry-After. */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { reportedProblem, noCredentials } from '../checks.ts'
import { requestsTo } from '../device.ts'
import { clientCase } from './common.ts'

const RETRY_AFTER_S = 2

export const limitCases = [
  clientCase('10.3-client-retry-after', 'pw-limit-10.3-client-backoff',
    'a pair/start refused 429 with Retry-After 2 is not repeated within 2 s', async (ctx) => {
      const device = await ctx.device({ pairStart: { problem: PROBLEMS.rateLimited, times: 1, headers: { 'retry-after': String(RETRY_AFTER_S) } } })
      const o = await ctx.pair(device, ctx.credentialsPath())
      const starts = requestsTo(o.log, PATHS.pairStart)
      if (starts.length <= 1) return firstFailure(reportedProblem(o, PROBLEMS.rateLimited), noCredentials(o))
      const gap = (starts[1]!.at - starts[0]!.at) / 1000
      return gap >= RETRY_AFTER_S - 0.05 ? { status: 'pass' } : fail('the client retried before Retry-After', `>= ${RETRY_AFTER_S} s`, `${gap.toFixed(2)} s`)
    }, 'SHOULD'),
]
