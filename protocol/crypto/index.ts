/**
 * Selects the crypto backend: node:crypto on Node (fast), @noble elsewhere (portable). The Node
 * module is loaded with a dynamic import so that browser bundles never see node:crypto.
 */
import type { CryptoBackend } from './backend.ts'
import type { AsyncPrimitives } from './webcrypto.ts'
import { nobleBackend } from './noble.ts'

export type { CryptoBackend } from './backend.ts'
export type { AsyncPrimitives } from './webcrypto.ts'
export { hkdfSha256 } from './backend.ts'
export { nobleBackend } from './noble.ts'

const onNode = typeof globalThis.process?.versions?.node === 'string'

/** The backend used when a caller does not pass one. */
export const defaultBackend: CryptoBackend = onNode
  ? (await import('./node.ts')).nodeBackend
  : nobleBackend

/** Both backends available here (the Node one only on Node), for tests and benchmarks. */
export async function availableBackends(): Promise<CryptoBackend[]> {
  return onNode ? [nobleBackend, (await import('./node.ts')).nodeBackend] : [nobleBackend]
}

/**
 * The asynchronous primitives the client uses outside Node (WebCrypto where the browser has it,
 * noble otherwise; webcrypto.ts), or undefined on Node, whose synchronous node:crypto backend is
 * faster than any async call and stays the client's path there.
 */
export async function platformAsyncPrimitives(): Promise<AsyncPrimitives | undefined> {
  return onNode ? undefined : (await import('./webcrypto.ts')).browserPrimitives()
}
