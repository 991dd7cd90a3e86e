/**
 * Revoking a client (spec §9.2, §9.3), by itself (DELETE clients/self) or by the operator (CLI):
 * the store removes the record and its tickets and tells every node sharing it, whose
 * onClientRemoved subscription (device.ts) closes the client's live sessions with
 * client-revoked. Fault ignore-revocation keeps the record, so the client goes on working.
 */
import type { ServerContext } from '../context.ts'

export type RevokedBy = 'self' | 'operator'

/** Revokes `clientId`; false when no such client is paired. */
export async function revokeClient(
  ctx: ServerContext,
  clientId: string,
  by: RevokedBy,
): Promise<boolean> {
  const existed = ctx.faults.has('ignore-revocation')
    ? (await ctx.store.getClient(clientId)) !== undefined
    : await ctx.store.removeClient(clientId)
  if (existed) ctx.audit.record('client.revoke', { client_id: clientId, by })
  return existed
}
