/**
 * Spec §12.2 {#pw-test-12.2-disabled-not-found}: a device whose test-control interface is off
 * answers every request to /pairwire/v1/test/pin and /pairwire/v1/test/revoke with 404 not-found, exactly as an unknown path
 * (not 405, not 403). A device that advertises test-control has it on: the rule does not apply.
 */
import { PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { skip } from '../../verdicts.ts'
import { probe, runProbes } from '../probes.ts'

export const disabledNotFound: CaseDefinition = {
  id: '12.2-disabled-not-found',
  level: 'MUST',
  requirement: 'pw-test-12.2-disabled-not-found',
  title: 'without test-control, every request to test/pin or test/revoke gets 404 not-found',
  async run(ctx) {
    if (ctx.target.discovery.profiles.includes('test-control')) {
      return skip('the device advertises test-control, so the interface is on (not applicable)')
    }
    const path = PATHS.testPin
    const v = PROTOCOL_VERSION
    const { notFound } = PROBLEMS
    return runProbes(ctx, [
      probe('POST test/pin', { method: 'POST', path, body: { v } }, notFound),
      probe('POST test/pin, ttl 5', { method: 'POST', path, body: { v, ttl: 5 } }, notFound),
      probe('GET test/pin', { method: 'GET', path }, notFound),
      probe('POST test/revoke', { method: 'POST', path: PATHS.testRevoke,
        body: { v, client_id: 'pwc_JPbtasv-EAnAMNfKVnwzyg' } }, notFound),
    ])
  },
}
