/**
 * Where the browser client keeps its credentials (spec §5.9, §9.5): IndexedDB of the page's
 * origin, database `pairwire`, object store `credentials`, one record per device origin holding
 * the Credentials object as JSON-compatible data (the two secrets, client_seed and pairing_key,
 * included — the browser's per-origin storage is the boundary, as the 0600 file is on Node).
 * A record read back is checked with parseCredentials, so a damaged record fails clearly.
 */
import { parseCredentials, type Credentials } from '../credentials.ts'

export const DATABASE = 'pairwire'
export const STORE = 'credentials'

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

function open(factory: IDBFactory): Promise<IDBDatabase> {
  const r = factory.open(DATABASE, 1)
  r.onupgradeneeded = () => r.result.createObjectStore(STORE)
  return request(r)
}

export interface CredentialStore {
  load(origin: string): Promise<Credentials | null>
  save(credentials: Credentials): Promise<void>
  forget(origin: string): Promise<void>
}

export async function openCredentialStore(factory: IDBFactory = indexedDB): Promise<CredentialStore> {
  const db = await open(factory)
  const transact = async <T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>) => {
    const tx = db.transaction(STORE, mode)
    const result = await request(run(tx.objectStore(STORE)))
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
    })
    return result
  }
  return {
    async load(origin) {
      const value: unknown = await transact('readonly', (s) => s.get(origin))
      return value === undefined ? null : parseCredentials(value)
    },
    save: async (credentials) => void (await transact('readwrite', (s) => s.put({ ...credentials }, credentials.url))),
    forget: async (origin) => void (await transact('readwrite', (s) => s.delete(origin))),
  }
}
