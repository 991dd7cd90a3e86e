/**
 * Spec §15.5 {#pw-relay-15.5-no-test-control}: a relayed stream is never loopback, so the
 * test-control interface (§12) is not served on it: test/pin and test/revoke get 404 not-found
 * whether or not the device has the interface on (and advertises it). Runs only via --via-relay.
 */
import { PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'

export const noTestControl: CaseDefinition = {
  id: '15.5-no-test-control',
  level: 'MUST',
  requirement: 'pw-relay-15.5-no-test-control',
  title: 'through a relay, test/pin and test/revoke get 404 not-found, test-control on or off',
  relayedOnly: true,
  run(ctx) {
    const v = PROTOCOL_VERSION
    const { notFound } = PROBLEMS
    return runProbes(ctx, [
      probe('POST test/pin', { method: 'POST', path: PATHS.testPin, body: { v } }, notFound),
      probe('POST test/revoke', { method: 'POST', path: PATHS.testRevoke,
        body: { v, client_id: 'pwc_JPbtasv-EAnAMNfKVnwzyg' } }, notFound),
    ])
  },
}
