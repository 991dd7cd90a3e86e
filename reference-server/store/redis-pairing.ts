/**
 * The pairing state (pairing-state.ts) in Redis, shared by every node of the device (spec §13.4).
 * Keys, under the store's prefix:
 *   pairing-window           JSON WindowRecord of the open window; absent when closed
 *   pairing-generation       counter of window openings (INCR)
 *   pairing:<id>             JSON PendingRecord, expiring a second after its expires_at
 *   pairings:<generation>    sorted set: pending pairing ids of that window, scored by expires_at
 * Each read-modify-write of the window runs as one Lua script, which Redis executes atomically:
 * two nodes can never both count the last attempt of a budget or both close the window at a
 * success. Redis holds the PIN and the SPAKE2 keys in progress, as it already holds the pairing
 * keys of the client registry: it must be as private as the device itself (spec §9.5).
 */
import type { createClient } from '@redis/client'
import type { PairingStore, PendingRecord, WindowRecord } from './pairing-state.ts'

// @redis/client's createClient is generic: the store's client has no modules, functions or
// scripts and speaks RESP 2 (the package `redis` re-exports it with its modules added).
type RedisClient = ReturnType<typeof createClient<{}, {}, {}, 2, {}>>
type Call = <T>(what: string, run: () => Promise<T>) => Promise<T>

const OPEN = `
local generation = redis.call('INCR', KEYS[2])
local window = cjson.encode({ generation = generation, pin = ARGV[1],
  expires_at = tonumber(ARGV[2]), attempts = 0, failures = 0 })
redis.call('SET', KEYS[1], window)
return window`

/** Shared prologue: the window as a table when it is generation ARGV[1], else the script ends. */
const OPEN_WINDOW = `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end
local window = cjson.decode(stored)
if window.generation ~= tonumber(ARGV[1]) then return false end`

const CLOSE = `${OPEN_WINDOW}
redis.call('DEL', KEYS[1])
return stored`

const RESTORE = `
if redis.call('EXISTS', KEYS[1]) == 0 and tonumber(redis.call('GET', KEYS[2])) == tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2])
end
return 1`

const BEGIN_ATTEMPT = `${OPEN_WINDOW}
if window.attempts >= tonumber(ARGV[2]) then return false end
window.attempts = window.attempts + 1
redis.call('SET', KEYS[1], cjson.encode(window))
return 1`

const RECORD_FAILURE = `${OPEN_WINDOW}
window.failures = window.failures + 1
if ARGV[2] ~= '' and window.failures >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], cjson.encode(window))
end
return window.failures`

// KEYS: pairing:<id>, pairings:<generation>. ARGV: record, max, now, expires_at, id, ttl ms.
const ADD_PAIRING = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6], 'NX')
redis.call('PEXPIRE', KEYS[2], ARGV[6], 'GT')
return 1`

/** Redis may expire a pending pairing a little after the device's own expiry check would. */
const PAIRING_KEY_SLACK_MS = 1_000

export class RedisPairingState implements PairingStore {
  /** The current command connection (redis-connection.ts may replace it). */
  readonly #client: () => RedisClient
  readonly #key: (...parts: string[]) => string
  readonly #call: Call

  constructor(client: () => RedisClient, key: (...parts: string[]) => string, call: Call) {
    this.#client = client
    this.#key = key
    this.#call = call
  }

  async openWindow(pin: string, expiresAt: number): Promise<WindowRecord> {
    const keys = [this.#key('pairing-window'), this.#key('pairing-generation')]
    const stored = await this.#eval('openWindow', OPEN, keys, [pin, String(expiresAt)])
    return JSON.parse(String(stored)) as WindowRecord
  }

  async getWindow(): Promise<WindowRecord | undefined> {
    const stored = await this.#call('getWindow', () =>
      this.#client().get(this.#key('pairing-window')),
    )
    return stored === null ? undefined : (JSON.parse(stored) as WindowRecord)
  }

  async closeWindow(generation: number): Promise<WindowRecord | undefined> {
    const stored = await this.#window('closeWindow', CLOSE, [String(generation)])
    return stored === null ? undefined : (JSON.parse(String(stored)) as WindowRecord)
  }

  async restoreWindow(window: WindowRecord): Promise<void> {
    const keys = [this.#key('pairing-window'), this.#key('pairing-generation')]
    await this.#eval('restoreWindow', RESTORE, keys, [String(window.generation), JSON.stringify(window)])
  }

  async beginAttempt(generation: number, max: number): Promise<boolean> {
    const reply = await this.#window('beginAttempt', BEGIN_ATTEMPT, [String(generation), String(max)])
    return reply === 1
  }

  async recordFailure(generation: number, closeAt: number | undefined): Promise<number | undefined> {
    const args = [String(generation), closeAt === undefined ? '' : String(closeAt)]
    const reply = await this.#window('recordFailure', RECORD_FAILURE, args)
    return typeof reply === 'number' ? reply : undefined
  }

  async countPairings(generation: number, now: number): Promise<number> {
    // Scores are expires_at: a pairing is pending while now < expires_at (spec §2.7).
    const key = this.#key('pairings', String(generation))
    return this.#call('countPairings', () => this.#client().zCount(key, `(${now}`, '+inf'))
  }

  async addPairing(id: string, record: PendingRecord, max: number, now: number): Promise<boolean> {
    const keys = [this.#key('pairing', id), this.#key('pairings', String(record.generation))]
    const ttlMs = (record.expires_at - now) * 1000 + PAIRING_KEY_SLACK_MS
    const args = [JSON.stringify(record), String(max), String(now), String(record.expires_at), id,
      String(ttlMs)]
    return (await this.#eval('addPairing', ADD_PAIRING, keys, args)) === 1
  }

  async takePairing(id: string): Promise<PendingRecord | undefined> {
    const stored = await this.#call('takePairing', () =>
      this.#client().getDel(this.#key('pairing', id)),
    )
    if (stored === null) return undefined
    const record = JSON.parse(stored) as PendingRecord
    // Frees its place in the window's count; until then the count errs on the safe side.
    await this.#call('takePairing', () =>
      this.#client().zRem(this.#key('pairings', String(record.generation)), id),
    )
    return record
  }

  #window(what: string, script: string, args: string[]): Promise<unknown> {
    return this.#eval(what, script, [this.#key('pairing-window')], args)
  }

  #eval(what: string, script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#call(what, () => this.#client().eval(script, { keys, arguments: args }))
  }
}
