/**
 * The store of the reference device, chosen by a spec string (the CLI's --store):
 *   memory                              this process only (memory-store.ts)
 *   file:PATH                           one JSON file, mode 0600 (file-store.ts)
 *   redis://HOST:PORT[/DB][?prefix=P]   shared by several nodes (redis-store.ts)
 */
import { openFileStore } from './file-store.ts'
import { MemoryStore } from './memory-store.ts'
import { openRedisStore } from './redis-store.ts'
import type { Store } from './store.ts'

export { StoreFileError } from './file-format.ts'
export { StoreDurabilityError } from './redis-durability.ts'
export { StoreUnavailableError, type ClientRecord, type Store } from './store.ts'

export const STORE_SPECS = 'memory, file:PATH or redis://HOST:PORT[/DB][?prefix=P][&durability=warn|require]'

/** A --store value that names no store; its message says what would. */
export class StoreSpecError extends Error {
  override readonly name = 'StoreSpecError'
}

export interface StoreOpenOptions {
  /** The start-up warning of a store that may lose acknowledged state (spec §13.4). */
  onNotDurable?: (message: string) => void
}

function redisStore(spec: string, open: StoreOpenOptions): Promise<Store> {
  let url: URL
  try {
    url = new URL(spec)
  } catch {
    // The spec is not echoed: it may carry a Redis password.
    throw new StoreSpecError(`the redis:// store is not a valid URL; expected ${STORE_SPECS}`)
  }
  const database = url.pathname.replace(/^\//, '')
  if (url.hostname === '' || !/^\d*$/.test(database)) {
    throw new StoreSpecError(`store "${url.host}${url.pathname}": expected ${STORE_SPECS}`)
  }
  const prefix = url.searchParams.get('prefix') ?? undefined
  const durability = url.searchParams.get('durability') ?? 'warn'
  if (durability !== 'warn' && durability !== 'require') {
    throw new StoreSpecError(`store durability must be warn or require; expected ${STORE_SPECS}`)
  }
  url.pathname = ''
  url.search = ''
  return openRedisStore({
    url: url.href,
    ...(database === '' ? {} : { database: Number(database) }),
    ...(prefix === undefined ? {} : { prefix }),
    durability,
    ...(open.onNotDurable === undefined ? {} : { onNotDurable: open.onNotDurable }),
  })
}

/** Opens the store named by `spec`; throws StoreSpecError for a spec that names none. */
export async function openStore(spec: string, open: StoreOpenOptions = {}): Promise<Store> {
  if (spec === 'memory') return new MemoryStore()
  if (spec.startsWith('file:') && spec.length > 'file:'.length) {
    return openFileStore(spec.slice('file:'.length))
  }
  if (spec.startsWith('redis://')) return redisStore(spec, open)
  throw new StoreSpecError(`unknown store "${spec}"; expected ${STORE_SPECS}`)
}
