/**
 * What the client needs from its platform: fetch and a WebSocket. Browsers (and Node >= 22) have
 * both as globals and nothing else is used. On Node 20, which has fetch but no WebSocket, the `ws`
 * package is loaded with a dynamic import, and `undici` only if fetch itself is missing, so a
 * browser bundle never reaches Node code.
 */
import type { ClientError } from './errors.ts'

export type FetchFunction = (url: string, init?: RequestInit) => Promise<Response>

/** The subset of the WHATWG WebSocket interface the client uses; `ws` implements it too. */
export interface RawSocket {
  binaryType: string
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'error', listener: () => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void
}

/**
 * Opens a socket to `url`. A browser's WebSocket cannot send `headers`, and ignores them: the
 * device then refuses the unsigned upgrade with ticket-missing and the caller asks for a ticket. `refuse` lets a platform that can read a refused upgrade (an HTTP
 * answer instead of 101, spec §7.2) report it as a problem before the socket reports its close,
 * and, once open, one that sees the device break the WebSocket framing (RFC 6455 §5, §8.1)
 * report that failure (spec §7.9 pw-sess-7.9-client-framing) in place of the close it causes.
 */
export type SocketFactory = (
  url: string,
  refuse: (error: ClientError) => void,
  /** Header fields of the opening handshake (a signed upgrade, spec §7.2), where the platform can. */
  headers?: Readonly<Record<string, string>>,
) => RawSocket

export async function resolveFetch(custom?: FetchFunction): Promise<FetchFunction> {
  if (custom !== undefined) return custom
  if (typeof globalThis.fetch === 'function') return globalThis.fetch.bind(globalThis)
  const undici = await import('undici')
  return undici.fetch as unknown as FetchFunction
}

/**
 * The ws fallback, imported once: an import() per connect still resolves the module each time,
 * which under tsx (the bench) cost ~0.5 ms of client time per session set-up.
 */
let nodeFactory: Promise<SocketFactory> | undefined

export async function resolveSocketFactory(custom?: SocketFactory): Promise<SocketFactory> {
  if (custom !== undefined) return custom
  const Standard = (globalThis as { WebSocket?: new (url: string) => RawSocket }).WebSocket
  if (Standard !== undefined) return (url) => new Standard(url)
  nodeFactory ??= import('./node-websocket.ts').then((module) => module.nodeSocketFactory)
  return nodeFactory
}
