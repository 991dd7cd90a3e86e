/**
 * Spec §2.3 {#pw-conv-2.3-unsupported-version}: a body whose `v` is an integer other than a
 * supported version is answered 400 unsupported-version, and this check comes before any other
 * check of the body's members (so an otherwise broken body still gets unsupported-version).
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'
import { validPairFinish, validPairStart } from '../samples.ts'

const post = (path: string, step: string, body: object) =>
  probe(step, { method: 'POST', path, body }, PROBLEMS.unsupportedVersion)

export const unsupportedVersion: CaseDefinition = {
  id: '2.3-unsupported-version',
  level: 'MUST',
  requirement: 'pw-conv-2.3-unsupported-version',
  title: 'a body with an unsupported integer v gets 400 unsupported-version before other checks',
  async run(ctx) {
    const start = () => validPairStart(ctx)
    const probes = [
      post(PATHS.pairStart, 'pair/start with v 2', { ...start(), v: 2 }),
      post(PATHS.pairStart, 'pair/start with v 0 and an unknown member', {
        ...start(),
        v: 0,
        x: 1,
      }),
      post(PATHS.pairStart, 'pair/start with only v 2', { v: 2 }),
      post(PATHS.pairFinish, 'pair/finish with v 2', { ...validPairFinish(), v: 2 }),
      post(PATHS.pairFinish, 'pair/finish with v 1000 and a number pairing_id', {
        v: 1000,
        pairing_id: 7,
      }),
    ]
    if (ctx.target.discovery.profiles.includes('test-control')) {
      probes.push(post(PATHS.testPin, 'test/pin with v 2 and a ttl out of range', { v: 2, ttl: 0 }))
    }
    return runProbes(ctx, probes)
  },
}
