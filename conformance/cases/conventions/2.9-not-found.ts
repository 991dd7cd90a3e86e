/**
 * Spec §2.9 {#pw-conv-2.9-not-found}: a request for a path that is not in the table of §2.9 is
 * answered 404 not-found, whatever its method.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'

const UNKNOWN: readonly [string, string][] = [
  ['GET', '/'],
  ['GET', '/pairwire/v1/nothing-here'],
  ['POST', '/pairwire/v2/pair/start'],
  ['POST', `${PATHS.pairStart}/extra`],
  ['GET', `${PATHS.discovery}/extra`],
  ['DELETE', '/pairwire/v1/clients/pwc_AAAAAAAAAAAAAAAAAAAAAA'],
]

export const notFound: CaseDefinition = {
  id: '2.9-not-found',
  level: 'MUST',
  requirement: 'pw-conv-2.9-not-found',
  title: 'a path outside the table of §2.9 gets 404 not-found',
  async run(ctx) {
    const paths = [...UNKNOWN]
    // Without the test-control interface its path is unknown too (spec §12.2).
    if (!ctx.target.discovery.profiles.includes('test-control')) paths.push(['POST', PATHS.testPin])
    const probes = paths.map(([method, path]) =>
      probe(`${method} ${path}`, { method, path }, PROBLEMS.notFound),
    )
    return runProbes(ctx, probes)
  },
}
