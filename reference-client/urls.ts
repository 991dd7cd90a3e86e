/**
 * The URLs the client talks to: the device's origin, each endpoint under it (spec §4 - §9 paths
 * are absolute), and the session WebSocket URL with its ticket (spec §7.2). The absolute URL of a
 * request is also its RFC 9421 @target-uri (spec §8.4): WHATWG URL serialisation lowercases
 * scheme and host and drops a default port, and fetch sends exactly that path and query.
 */
import { PATHS } from '../protocol/registry.ts'
import { ClientError } from './errors.ts'

/** The origin of a device URL (scheme://host[:port]); http and https only. */
export function deviceOrigin(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw ClientError.usage('the device URL is not a valid URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw ClientError.usage('the device URL must be http or https')
  }
  return parsed.origin
}

export function endpoint(origin: string, path: string): string {
  return new URL(path, origin).href
}

/**
 * ws: or wss: to match the device's scheme, PATHS.websocket, ?ticket=<b64u>; without a ticket,
 * the URL of a signed upgrade (spec §7.2), whose http(s) form is its @target-uri.
 */
export function websocketUrl(origin: string, ticket?: string): string {
  const url = new URL(PATHS.websocket, origin)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  if (ticket !== undefined) url.searchParams.set('ticket', ticket)
  return url.href
}
