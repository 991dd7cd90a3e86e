/**
 * GET /.well-known/pairwire for the §3 and §4 cases: 200, application/json, a valid `discovery`
 * object (spec §4.1); anything else aborts the case with a 'fail' verdict.
 */
import { PATHS } from '../../../protocol/registry.ts'
import type { Message } from '../../../schemas/validate.ts'
import { expectJsonMessage, httpRequest } from '../../drivers/http.ts'
import type { CaseContext } from '../../model.ts'
import { must } from '../../verdicts.ts'

export type Discovery = Message<'discovery'>

export async function getDiscovery(ctx: CaseContext, step?: string): Promise<Discovery> {
  const named = step === undefined ? {} : { step }
  const res = await httpRequest(ctx, { method: 'GET', path: PATHS.discovery, ...named })
  must(expectJsonMessage(res, 200, 'discovery'))
  return res.json as Discovery
}
