#!/usr/bin/env node
/**
 * pairwire-server: the reference device's command line.
 *
 *   pairwire-server [serve options]         run the device until SIGTERM/SIGINT
 *   pairwire-server pair [--ttl S]          open a pairing window on the running device
 *   pairwire-server clients list            paired clients, as a JSON array
 *   pairwire-server clients revoke ID       remove a client; its sessions close on every node
 *
 * `pair` and `clients` talk to the device running on --state-dir through its admin socket
 * (pairing/admin-socket.ts); with no device running, `clients` opens --store directly (a file
 * store has one writer at a time, so a running device must make the change itself).
 * Machine-readable output is one JSON line per event on stdout; logs go to stderr. The PIN is
 * printed on stdout for the operator only, never into the log or the audit log.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Writable } from 'node:stream'
import { LIMIT_DEFAULTS, type Limits } from '../protocol/registry.ts'
import { createDevice, DEFAULT_STATE_DIR, resolveLimits, type Device } from './device.ts'
import { FAULTS, isFaultName, type FaultName } from './faults.ts'
import { BrowserPageError, defaultBrowserPageDir } from './http/browser-page.ts'
import { isLoopbackHost } from './http/loopback.ts'
import { pairingUri, terminalQr } from './pairing/qr.ts'
import { createAuditLog } from './logs.ts'
import {
  adminRequest,
  AdminUnavailableError,
  serveAdminSocket,
  type AdminHandlers,
} from './pairing/admin-socket.ts'
import { openStore, StoreSpecError } from './store/index.ts'
import type { ClientRecord } from './store/store.ts'

export interface CliIo {
  readonly stdout: Writable
  readonly stderr: Writable
}

/** Exit codes: 0 success, 1 the operation failed, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

const limitFlag = (name: string): string => name.replaceAll('_', '-')

const USAGE = `usage:
  pairwire-server [--host 127.0.0.1] [--port 8080] [--store memory|file:PATH|redis://HOST:PORT]
                  [--state-dir DIR] [--name NAME] [--pair] [--test-hooks] [--fault NAME]...
                  [--relay ws://RELAY:PORT] [--no-json-seq]
                  [--no-signed-upgrade]
                  [--${Object.keys(LIMIT_DEFAULTS).map(limitFlag).join(' N] [--')} N]
  pairwire-server --list-faults
  pairwire-server pair [--ttl S] [--state-dir DIR]
  pairwire-server clients list [--state-dir DIR] [--store SPEC]
  pairwire-server clients revoke ID [--state-dir DIR] [--store SPEC]
pair and clients reach the device running on --state-dir; with none running, clients opens --store.
--browser-page serves the browser client page at / (build it first: npm run build:browser).
--no-json-seq declines the clients' offers of packed plaintexts (spec §7.10).
--no-signed-upgrade refuses signed upgrades; clients then use tickets (spec §7.2).
--qr (with --pair, or on pair) also prints the pairing URI and its QR code to stderr (spec §5.11).
`

const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8080' },
  store: { type: 'string', default: 'memory' },
  'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
  name: { type: 'string' },
  pair: { type: 'boolean', default: false },
  relay: { type: 'string' },
  'test-hooks': { type: 'boolean', default: false },
  fault: { type: 'string', multiple: true, default: [] },
  'list-faults': { type: 'boolean', default: false },
  ttl: { type: 'string' },
  help: { type: 'boolean', default: false },
  'browser-page': { type: 'boolean', default: false },
  qr: { type: 'boolean', default: false },
  'no-json-seq': { type: 'boolean', default: false },
  'no-signed-upgrade': { type: 'boolean', default: false },
  ...Object.fromEntries(Object.keys(LIMIT_DEFAULTS).map((k) => [limitFlag(k), { type: 'string' }])),
} satisfies ParseArgsConfig['options']

type Values = ReturnType<typeof parse>['values']

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
}

class UsageError extends Error {}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text)
  if (text === undefined || !/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer in ${min}..${max}`)
  }
  return value
}

function limitsOf(values: Values): Partial<Limits> {
  const limits: Partial<Limits> = {}
  for (const name of Object.keys(LIMIT_DEFAULTS) as (keyof Limits)[]) {
    const text = (values as Record<string, unknown>)[limitFlag(name)] as string | undefined
    if (text === undefined) continue
    limits[name] = integer(limitFlag(name), text, 1, Number.MAX_SAFE_INTEGER)
  }
  try {
    resolveLimits(limits)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  return limits
}

function faultsOf(values: Values): FaultName[] {
  for (const name of values.fault) {
    if (!isFaultName(name)) throw new UsageError(`unknown fault ${name}`)
  }
  if (values.fault.length > 0 && !values['test-hooks']) {
    throw new UsageError('--fault requires --test-hooks')
  }
  if (values['test-hooks'] && !isLoopbackHost(values.host)) {
    throw new UsageError('--test-hooks needs a loopback --host (127.0.0.0/8, ::1, localhost)')
  }
  return values.fault as FaultName[]
}

const line = (io: CliIo, value: unknown): void => void io.stdout.write(JSON.stringify(value) + '\n')

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const

/** Catches SIGTERM/SIGINT from now on (even during start-up) until `dispose`. */
function stopSignals(): { received: Promise<void>; dispose(): void } {
  let stop = () => {}
  const received = new Promise<void>((resolve) => (stop = resolve))
  for (const signal of STOP_SIGNALS) process.once(signal, stop)
  return { received, dispose: () => STOP_SIGNALS.forEach((signal) => process.off(signal, stop)) }
}

/** What the admin socket offers on a running device (pairing/admin-socket.ts). */
function adminHandlers(device: Device): AdminHandlers {
  return {
    pair: async ({ ttl }) => {
      const window = await device.openPairingWindow(ttl === undefined ? undefined : Number(ttl))
      const uri = pairingUri(device.url, device.deviceId, window.pin)
      return { pin: window.pin, expires_at: window.expiresAt, uri }
    },
    clients: async () => summaries(await device.ctx.store.listClients()),
    revoke: async ({ client_id }) => {
      if (typeof client_id !== 'string' || !(await device.revokeClient(client_id))) {
        throw new Error(`no client ${String(client_id)}`)
      }
      return true
    },
  }
}

const summaries = (records: ClientRecord[]) =>
  records.map(({ client_id, name, paired_at }) => ({ client_id, name, paired_at }))

async function serve(values: Values, io: CliIo): Promise<number> {
  const faults = faultsOf(values)
  const limits = limitsOf(values)
  const stateDir = values['state-dir']
  const signals = stopSignals()
  try {
    const device = await createDevice({
      host: values.host,
      port: integer('port', values.port, 0, 65_535),
      store: values.store,
      stateDir,
      ...(values.name === undefined ? {} : { name: values.name }),
      limits,
      testHooks: values['test-hooks'],
      faults,
      ...(values['browser-page'] ? { browserPageDir: defaultBrowserPageDir() } : {}),
      ...(values.relay === undefined ? {} : { relay: values.relay }),
      noJsonSeq: values['no-json-seq'],
      noSignedUpgrade: values['no-signed-upgrade'],
    }).catch((e: unknown) => {
      if (e instanceof BrowserPageError) throw new UsageError(e.message)
      throw e instanceof RangeError || e instanceof StoreSpecError ? new UsageError(e.message) : e
    })
    const admin = await serveAdminSocket(stateDir, adminHandlers(device))
    if (admin === undefined) device.ctx.log.warn('admin.socket-in-use', { state_dir: stateDir })
    if (device.relayHeld !== undefined) {
      // Spec §15.3: ready once the relay holds the slot; a refused claim is fatal.
      await device.relayHeld
      line(io, { event: 'listening', url: device.url, device_id: device.deviceId, relay: values.relay })
    } else {
      line(io, { event: 'listening', url: device.url, device_id: device.deviceId })
    }
    if (values.pair) {
      const { pin, expiresAt } = await device.openPairingWindow()
      const uri = pairingUri(device.url, device.deviceId, pin)
      line(io, { event: 'pairing-window', pin, expires_at: expiresAt, uri })
      if (values.qr) printQr(io, uri)
    }
    await signals.received
    admin?.close()
    await device.close()
    return EXIT.ok
  } finally {
    signals.dispose()
  }
}

/** For the operator's eyes only (stderr, never the log): the URI may carry the PIN (§13.12). */
function printQr(io: CliIo, uri: string): void {
  io.stderr.write(`\nScan to pair, or open ${uri}\n${terminalQr(uri)}\n`)
}

function failed(io: CliIo, message: string): number {
  io.stderr.write(`pairwire-server: ${message}\n`)
  return EXIT.failed
}

async function pair(values: Values, io: CliIo): Promise<number> {
  const max = LIMIT_DEFAULTS.max_pin_ttl
  const ttl = values.ttl === undefined ? undefined : integer('ttl', values.ttl, 1, max)
  const stateDir = values['state-dir']
  try {
    const window = await adminRequest(stateDir, { op: 'pair', ttl })
    line(io, { event: 'pairing-window', ...(window as object) })
    const { uri } = window as { uri?: unknown }
    if (values.qr && typeof uri === 'string') printQr(io, uri)
    return EXIT.ok
  } catch (e) {
    if (e instanceof AdminUnavailableError) {
      return failed(io, `no running device uses state dir ${stateDir}`)
    }
    return failed(io, (e as Error).message)
  }
}

/** With no device running on the state dir, `clients` works on the store directly. */
async function clientsOffline(values: Values, io: CliIo, id: string | undefined): Promise<number> {
  if (values.store === 'memory') throw new UsageError('no device is running: name its --store')
  const store = await openStore(values.store)
  try {
    if (id === undefined) {
      line(io, summaries(await store.listClients()))
      return EXIT.ok
    }
    if (!(await store.removeClient(id))) return failed(io, `no client ${id}`)
    const audit = createAuditLog(values['state-dir'])
    audit.record('client.revoke', { client_id: id, by: 'operator' })
    await audit.close()
    line(io, { event: 'client-revoked', client_id: id })
    return EXIT.ok
  } finally {
    await store.close()
  }
}

async function clients(values: Values, positionals: string[], io: CliIo): Promise<number> {
  const [action, id, ...rest] = positionals
  const valid = (action === 'list' && id === undefined) || (action === 'revoke' && id !== undefined)
  if (!valid || rest.length > 0) throw new UsageError('clients list | clients revoke ID')
  const request = id === undefined ? { op: 'clients' } : { op: 'revoke', client_id: id }
  try {
    const result = await adminRequest(values['state-dir'], request)
    line(io, id === undefined ? result : { event: 'client-revoked', client_id: id })
    return EXIT.ok
  } catch (e) {
    if (e instanceof AdminUnavailableError) return clientsOffline(values, io, id)
    return failed(io, (e as Error).message)
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv)
  if (values.help) {
    io.stdout.write(USAGE)
    return EXIT.ok
  }
  if (values['list-faults']) {
    for (const [fault, description] of Object.entries(FAULTS)) line(io, { fault, description })
    return EXIT.ok
  }
  const [command, ...rest] = positionals
  if (command === undefined) return serve(values, io)
  if (command === 'pair' && rest.length === 0) return pair(values, io)
  if (command === 'clients') return clients(values, rest, io)
  throw new UsageError(`unknown command ${positionals.join(' ')}`)
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = process): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (e) {
    const code = (e as { code?: unknown }).code
    const usage = e instanceof UsageError || String(code).startsWith('ERR_PARSE_ARGS')
    io.stderr.write(`pairwire-server: ${(e as Error).message}\n`)
    if (!usage) return EXIT.failed
    io.stderr.write(USAGE)
    return EXIT.usage
  }
}

// Run when executed directly, also through npm's bin symlink (hence realpath).
const invokedPath = process.argv[1] === undefined ? '' : realpathSync(process.argv[1])
if (invokedPath === fileURLToPath(import.meta.url)) {
  process.exit(await runCli(process.argv.slice(2)))
}
