/**
 * The file store's on-disk format: one JSON object
 *   { "pairwire_store": 1,
 *     "clients": [ClientRecord...],
 *     "claims":  [{ "key", "expires_at_ms" }...],
 *     "tickets": [{ "hash", "client_id", "expires_at_ms" }...] }
 * Parsing is strict: anything else is a StoreFileError at open, so a damaged file stops the device
 * instead of silently starting it with no paired clients.
 */
import type { StateSnapshot } from './state.ts'
import type { ClientRecord } from './store.ts'

export const FILE_FORMAT_VERSION = 1

export class StoreFileError extends Error {
  override readonly name = 'StoreFileError'
}

export function serializeSnapshot(snapshot: StateSnapshot): string {
  return `${JSON.stringify({ pairwire_store: FILE_FORMAT_VERSION, ...snapshot })}\n`
}

type Fields = Record<string, unknown>

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasShape(value: unknown, strings: string[], integers: string[]): value is Fields {
  if (!isObject(value) || Object.keys(value).length !== strings.length + integers.length) {
    return false
  }
  return (
    strings.every((name) => typeof value[name] === 'string') &&
    integers.every((name) => Number.isSafeInteger(value[name]))
  )
}

function listOf<T>(document: Fields, name: string, strings: string[], integers: string[]): T[] {
  const list = document[name]
  if (!Array.isArray(list)) throw new StoreFileError(`"${name}" is not a list`)
  list.forEach((item, index) => {
    if (!hasShape(item, strings, integers)) {
      const fields = [...strings, ...integers].join(', ')
      throw new StoreFileError(`${name}[${index}] is not an object with exactly ${fields}`)
    }
  })
  return list as T[]
}

/** Parses the file's text; throws StoreFileError naming the first problem. */
export function parseSnapshot(text: string): StateSnapshot {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (e) {
    throw new StoreFileError(`not JSON (${(e as Error).message})`)
  }
  if (!isObject(document)) throw new StoreFileError('not a JSON object')
  const names = Object.keys(document).sort().join(',')
  if (names !== 'claims,clients,pairwire_store,tickets') {
    throw new StoreFileError(`members are ${names}, not pairwire_store, clients, claims, tickets`)
  }
  if (document.pairwire_store !== FILE_FORMAT_VERSION) {
    throw new StoreFileError(`"pairwire_store" is not ${FILE_FORMAT_VERSION}`)
  }
  return {
    clients: listOf<ClientRecord>(
      document,
      'clients',
      ['client_id', 'client_key', 'name', 'pairing_key'],
      ['paired_at'],
    ),
    claims: listOf(document, 'claims', ['key'], ['expires_at_ms']),
    tickets: listOf(document, 'tickets', ['hash', 'client_id'], ['expires_at_ms']),
  }
}
