/**
 * Test support for the harness's own tests: a minimal HTTP server on 127.0.0.1 that serves a
 * valid discovery document (spec §4) and whatever else a test routes, so the runner and CLI can be
 * tested without the reference device.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode } from '../protocol/encoding.ts'
import { deviceIdOf } from '../protocol/ids.ts'
import { LIMIT_DEFAULTS, PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean

export interface StubDevice {
  readonly url: string
  readonly discovery: Record<string, unknown>
  close(): Promise<void>
}

const MANDATORY = ['pairing', 'session', 'signed-http']

export function stubDiscovery(profiles: readonly string[] = MANDATORY): Record<string, unknown> {
  const key = defaultBackend.ed25519PublicKey(defaultBackend.randomBytes(32))
  return {
    v: PROTOCOL_VERSION,
    versions: [PROTOCOL_VERSION],
    device_id: deviceIdOf(key),
    device_key: base64urlEncode(key),
    name: 'stub device',
    profiles,
    algorithms: ['ed25519', 'hmac-sha256'],
    limits: { ...LIMIT_DEFAULTS },
  }
}

/** Serves `discovery` at the discovery path (unless a route answers first), 404 elsewhere. */
export async function startStub(
  options: { discovery?: unknown; routes?: Route[] } = {},
): Promise<StubDevice> {
  const discovery = (options.discovery ?? stubDiscovery()) as Record<string, unknown>
  const server = createServer((req, res) => {
    if ((options.routes ?? []).some((route) => route(req, res))) return
    if (req.url === PATHS.discovery) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(discovery))
      return
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    discovery,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** A URL on which nothing listens (a port bound and released). */
export async function deadUrl(): Promise<string> {
  const stub = await startStub()
  await stub.close()
  return stub.url
}
