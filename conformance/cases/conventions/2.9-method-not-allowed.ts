/**
 * Spec §2.9 {#pw-conv-2.9-method-not-allowed}: a path of the table of §2.9 requested with a
 * method the table does not give for it is answered 405 method-not-allowed with an Allow field
 * listing the allowed methods (RFC 9110 §15.5.6).
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { HttpResponse } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, type FailVerdict } from '../../verdicts.ts'
import { probe, runProbes, type Probe } from '../probes.ts'

/** The methods of the table of §2.9, by path. */
const ALLOWED: readonly [string, string][] = [
  [PATHS.discovery, 'GET'],
  [PATHS.pairStart, 'POST'],
  [PATHS.pairFinish, 'POST'],
  [PATHS.tickets, 'POST'],
  [PATHS.websocket, 'GET'],
  [PATHS.rpc, 'POST'],
  [PATHS.clientsSelf, 'DELETE'],
  [PATHS.testPin, 'POST'],
]
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']

function allowLists(allowed: string): (res: HttpResponse) => FailVerdict | null {
  return (res) => {
    const allow = (res.headers['allow'] ?? '').split(',').map((m) => m.trim().toUpperCase())
    if (allow.includes(allowed)) return null
    const actual = { allow: res.headers['allow'] ?? null }
    return fail(`the Allow field does not list ${allowed}`, { allow: allowed }, actual)
  }
}

export const methodNotAllowed: CaseDefinition = {
  id: '2.9-method-not-allowed',
  level: 'MUST',
  requirement: 'pw-conv-2.9-method-not-allowed',
  title: 'a known path with another method gets 405 method-not-allowed and Allow',
  async run(ctx) {
    const testControl = ctx.target.discovery.profiles.includes('test-control')
    const probes: Probe[] = []
    for (const [path, allowed] of ALLOWED) {
      if (path === PATHS.testPin && !testControl) continue
      for (const method of METHODS.filter((m) => m !== allowed)) {
        const check = allowLists(allowed)
        probes.push(probe(`${method} ${path}`, { method, path }, PROBLEMS.methodNotAllowed, check))
      }
    }
    return runProbes(ctx, probes)
  },
}
