/**
 * Spec §2.9 {#pw-conv-2.9-media-type}: a non-empty body whose Content-Type media type is not
 * application/json (compared case-insensitively, parameters ignored) is answered 415
 * unsupported-media-type; application/json with parameters or in other case is accepted, so such
 * a request reaches the next check (§10.1: here the version check, 400 unsupported-version).
 */
import { LABELS, PATHS, PROBLEMS, type ProblemEntry } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'
import { validPairStart } from '../samples.ts'

const UNSUPPORTED = PROBLEMS.unsupportedMediaType
// Accepted as JSON, the body then fails the version check (§10.1 step 10).
const ACCEPTED = PROBLEMS.unsupportedVersion

export const mediaType: CaseDefinition = {
  id: '2.9-media-type',
  level: 'MUST',
  requirement: 'pw-conv-2.9-media-type',
  title: 'a body that is not application/json gets 415; media type parameters and case are ignored',
  async run(ctx) {
    const body = JSON.stringify({ ...validPairStart(ctx), v: 2 })
    const as = (type: string | undefined, problem: ProblemEntry, path: string = PATHS.pairStart) =>
      probe(
        `POST ${path} as ${type ?? 'no Content-Type'}`,
        { method: 'POST', path, body, headers: { 'content-type': type } },
        problem,
      )
    return runProbes(ctx, [
      as('text/plain', UNSUPPORTED),
      as('application/x-www-form-urlencoded', UNSUPPORTED),
      as(LABELS.problemContentType, UNSUPPORTED),
      as(undefined, UNSUPPORTED),
      as('text/plain', UNSUPPORTED, PATHS.pairFinish),
      as('application/json; charset=utf-8', ACCEPTED),
      as('Application/JSON', ACCEPTED),
    ])
  },
}
