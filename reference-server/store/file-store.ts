/**
 * The file store (store.ts): one JSON file (file-format.ts) for a single device process, the
 * default of `npm start`. The file is replaced atomically on every change (atomic-file.ts) and is
 * always mode 0600 in a 0700 directory: it holds pairing keys (DESIGN §4).
 *
 * Durability: every change (a client, a removal, a claim, a ticket issued or taken) resolves only
 * once a write containing it is on disk, so `kill -9` or a restart loses nothing that was
 * acknowledged: paired clients survive, and a nonce or ticket used before a restart is still
 * refused after it while its ttl runs. The price is that each change waits for a rewrite of the
 * whole file plus two fsyncs. Writes are coalesced to bound it: at most one write is in flight,
 * and every change made meanwhile rides in the one next write, so concurrent requests share an
 * fsync. Live claims (2 × skew + 1 s each, §8.8) dominate the file's size; a busy device should use Redis.
 *
 * A write that fails rejects every change it carried with StoreUnavailableError (the request
 * fails closed); the change stays in memory and goes to disk with the next write that succeeds.
 * One process per file: nothing stops two processes from overwriting each other's changes.
 */
import { constants } from 'node:fs'
import { access, chmod, readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { FILE_MODE, ensureParentDir, writeFileAtomic } from './atomic-file.ts'
import { StoreFileError, parseSnapshot, serializeSnapshot } from './file-format.ts'
import { RemovalListeners } from './listeners.ts'
import { DEFAULT_SWEEP_MS, type MemoryStoreOptions } from './memory-store.ts'
import { MemoryPairingState } from './pairing-state.ts'
import { StoreState } from './state.ts'
import { StoreUnavailableError, type ClientRecord, type Store } from './store.ts'

export type FileStoreOptions = MemoryStoreOptions

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/**
 * Opens (or starts) the store at `path`. A missing file is an empty store; a file that is not a
 * valid store throws StoreFileError naming the path, rather than lose the paired clients.
 */
export async function openFileStore(path: string, options: FileStoreOptions = {}): Promise<Store> {
  const target = resolve(path)
  await ensureParentDir(target)
  const text = await readIfPresent(target)
  if (text === undefined) return new FileStore(target, new StoreState(options.nowMs), options)
  let state: StoreState
  try {
    state = StoreState.fromSnapshot(parseSnapshot(text), options.nowMs)
  } catch (e) {
    const reason = (e as Error).message
    throw new StoreFileError(`${target} is not a valid Pairwire store file: ${reason}`)
  }
  // Narrows a file that an operator (or a restore from backup) left readable by others.
  await chmod(target, FILE_MODE)
  return new FileStore(target, state, options)
}

class FileStore implements Store {
  readonly #path: string
  readonly #state: StoreState
  readonly #listeners = new RemovalListeners()
  readonly #sweeper: NodeJS.Timeout
  /**
   * In memory, not in the file: a restart closes the pairing window and drops the pairings in
   * progress, which fails closed, and the PIN and the pairing's SPAKE2 keys never reach the disk.
   */
  readonly pairing = new MemoryPairingState()
  #inFlight: Promise<void> | undefined
  #next: Promise<void> | undefined

  constructor(path: string, state: StoreState, options: FileStoreOptions) {
    this.#path = path
    this.#state = state
    this.#sweeper = setInterval(() => this.#state.sweep(), options.sweepMs ?? DEFAULT_SWEEP_MS)
    this.#sweeper.unref()
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (!this.#state.claim(key, ttlMs)) return false
    await this.#persist()
    return true
  }

  async putTicket(ticketHash: string, clientId: string, ttlMs: number): Promise<void> {
    this.#state.putTicket(ticketHash, clientId, ttlMs)
    await this.#persist()
  }

  async takeTicket(ticketHash: string): Promise<string | undefined> {
    const clientId = this.#state.takeTicket(ticketHash)
    if (clientId !== undefined) await this.#persist()
    return clientId
  }

  async putClient(record: ClientRecord): Promise<void> {
    this.#state.putClient(record)
    await this.#persist()
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    return this.#state.getClient(clientId)
  }

  async listClients(): Promise<ClientRecord[]> {
    return this.#state.listClients()
  }

  async removeClient(clientId: string): Promise<boolean> {
    if (!this.#state.removeClient(clientId)) return false
    await this.#persist()
    this.#listeners.emit(clientId)
    return true
  }

  onClientRemoved(listener: (clientId: string) => void): () => void {
    return this.#listeners.add(listener)
  }

  async ping(): Promise<void> {
    try {
      await access(dirname(this.#path), constants.W_OK)
    } catch (e) {
      throw new StoreUnavailableError(`file store: cannot write in ${dirname(this.#path)}`, {
        cause: e,
      })
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    await (this.#next ?? this.#inFlight)?.catch(() => undefined)
  }

  /** Resolves once a write that includes every change made so far is on disk. */
  #persist(): Promise<void> {
    this.#next ??= this.#writeAfterInFlight()
    return this.#next
  }

  async #writeAfterInFlight(): Promise<void> {
    await this.#inFlight?.catch(() => undefined)
    // From here on, changes need a later write; this one snapshots the state synchronously below.
    this.#next = undefined
    const write = this.#write(serializeSnapshot(this.#state.snapshot()))
    this.#inFlight = write
    try {
      await write
    } finally {
      if (this.#inFlight === write) this.#inFlight = undefined
    }
  }

  async #write(content: string): Promise<void> {
    try {
      await writeFileAtomic(this.#path, content)
    } catch (e) {
      throw new StoreUnavailableError(`file store: cannot write ${this.#path}`, { cause: e })
    }
  }
}
