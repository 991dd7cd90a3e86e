/**
 * Revoking a client (spec §9.2, §9.3), by itself (DELETE clients/self) or by the operator (CLI):
 * the store removes the record and its tickets and tells every node sharing it, whose
 * onClientRemoved subscription (device.ts) closes the client's live sessions with
 * client-revoked. Fault ignore-revocation keeps the record, so the client goes on working;
 * fault operator-revocation-keeps-sessions removes it but spares the sessions of an operator's
 * revocation, the bug of a revocation path that forgets the live sessions.
 */
import type { ServerContext } from '../context.ts'

export type RevokedBy = 'self' | 'operator'

/** Clients revoked by the operator under fault operator-revocation-keeps-sessions. */
const spared = new WeakMap<ServerContext, Set<string>>()

/** Whether the removal of `clientId` must leave its sessions open (fault only). */
export function sessionsSpared(ctx: ServerContext, clientId: string): boolean {
  return spared.get(ctx)?.delete(clientId) ?? false
}

/** Revokes `clientId`; false when no such client is paired. */
export async function revokeClient(
  ctx: ServerContext,
  clientId: string,
  by: RevokedBy,
): Promise<boolean> {
  if (by === 'operator' && ctx.faults.has('operator-revocation-keeps-sessions')) {
    spared.set(ctx, (spared.get(ctx) ?? new Set()).add(clientId))
  }
  const existed = ctx.faults.has('ignore-revocation')
    ? (await ctx.store.getClient(clientId)) !== undefined
    : await ctx.store.removeClient(clientId)
  if (existed) ctx.audit.record('client.revoke', { client_id: clientId, by })
  return existed
}
