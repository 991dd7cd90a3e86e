/**
 * Spec §13.4: a Redis store keeps what a 200 acknowledged through a crash of Redis only with
 * `appendonly yes` and `appendfsync always`. The device reads both with CONFIG GET when it opens
 * the store. Otherwise it warns loudly at start-up (the default: a test or single-node device
 * may accept the risk) or, with the store option `durability=require`, refuses to start.
 * A Redis that refuses CONFIG GET (renamed or ACL-denied on a managed service) counts as
 * unchecked, so it gets the same warning or refusal.
 */
import type { RedisClient } from './redis-connection.ts'

export interface RedisDurability {
  /** The server's settings, or null when CONFIG GET was refused. */
  readonly appendonly: string | null
  readonly appendfsync: string | null
  readonly durable: boolean
}

/** What the device does with a Redis that is not durable (store option `durability`). */
export type DurabilityPolicy = 'warn' | 'require'

export class StoreDurabilityError extends Error {
  override readonly name = 'StoreDurabilityError'
}

export async function redisDurability(client: RedisClient): Promise<RedisDurability> {
  try {
    const appendonly = (await client.configGet('appendonly'))['appendonly'] ?? null
    const appendfsync = (await client.configGet('appendfsync'))['appendfsync'] ?? null
    return { appendonly, appendfsync, durable: appendonly === 'yes' && appendfsync === 'always' }
  } catch {
    return { appendonly: null, appendfsync: null, durable: false }
  }
}

/** The warning (or refusal) text: what is set, what is needed, what is lost otherwise. */
export function durabilityWarning(d: RedisDurability): string {
  const seen = d.appendonly === null
    ? 'CONFIG GET appendonly/appendfsync was refused'
    : `appendonly ${d.appendonly}, appendfsync ${d.appendfsync}`
  return `redis store is not durable (${seen}): pairings and revocations acknowledged with 200 ` +
    'are lost if Redis crashes; set appendonly yes and appendfsync always (spec §13.4)'
}
