/**
 * The two paths by which a client is removed (spec §9.3): the client's own DELETE clients/self
 * (§9.2) and the operator's revocation, which the harness reaches through test-control's
 * POST test/revoke (§12.4). Rules of §9.3 hold on both, so their cases run each path.
 */
import { PATHS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { expectStatus, httpRequest } from '../../drivers/http.ts'
import type { PairedClient } from '../../drivers/pairing.ts'
import { unpair } from '../../drivers/signed.ts'
import type { CaseContext } from '../../model.ts'
import { must } from '../../verdicts.ts'

export type RevocationPath = 'self' | 'operator'

/** POST test/revoke for `clientId` (§12.4), answer unchecked. */
export function testRevoke(ctx: CaseContext, clientId: string, step = 'POST test/revoke') {
  return httpRequest(ctx, {
    method: 'POST',
    path: PATHS.testRevoke,
    body: { v: PROTOCOL_VERSION, client_id: clientId },
    step,
  })
}

/** Removes `client` by `path`; fails the case unless the device answers 204. */
export async function revoke(ctx: CaseContext, client: PairedClient, path: RevocationPath): Promise<void> {
  const res = path === 'self' ? await unpair(ctx, client) : await testRevoke(ctx, client.clientId)
  must(expectStatus(res, 204))
}
