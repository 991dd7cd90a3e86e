/**
 * Starts the reference device (reference-server/cli.ts) as a child process for the npm scripts
 * `conformance`, `conformance:faults` and `bench:conformance`: the harness judges it over the wire
 * like any device, never importing it. The short limits let every expiry case run without --slow.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from './package-root.ts'
import { bundleFile, bundleOf, REFERENCE_ENTRIES } from './reference-bundles.ts'

/**
 * Run from the build (`npm run conformance` runs dist/), start the built pairwire-server as CI
 * users do; run from the sources (tests, tsx), start the bundle of its sources
 * (reference-bundles.ts: a tenth of the start-up CPU of tsx, and the self-tests start dozens).
 */
const FROM_BUILD = fileURLToPath(import.meta.url).endsWith('.js')
const SERVER_CLI = FROM_BUILD ? 'dist/reference-server/cli.js' : REFERENCE_ENTRIES.server
const CLIENT_CLI = FROM_BUILD ? 'dist/reference-client/cli.js' : REFERENCE_ENTRIES.client
/** What node runs for `cli`: the built file, or the bundle of the source. */
const program = (cli: string): string => (FROM_BUILD ? cli : bundleOf(cli))
const START_TIMEOUT_MS = 30_000

/**
 * Limits of the reference run (spec §4.3): TTLs of a few seconds so that the expiry cases wait
 * little (pairing_ttl = pin_ttl + 5 lets 5.4-ttl-at-finish outlast the window with the default,
 * with 2 s to spare on a loaded machine: the fault self-test runs many devices at once);
 * max_body and max_inflight_bytes small so the §10 cases move little data; per-client
 * well below per-IP so 10.3-per-client can tell them apart; per-IP high enough for the whole run.
 */
export const REFERENCE_LIMITS: readonly string[] = [
  '--pin-ttl', '4',
  '--pairing-ttl', '9',
  '--ticket-ttl', '2',
  '--skew', '5',
  '--handshake-timeout', '2',
  '--ping-interval', '3',
  '--max-body', '65536',
  '--max-inflight-bytes', '262144',
  '--rate-ip-per-minute', '3000',
  '--rate-client-per-minute', '300',
  // Few connections per IP, so 10.6-connections-per-ip opens only 33 sockets.
  '--max-connections-per-ip', '32',
]

export interface ReferenceChild {
  readonly url: string
  stop(): Promise<void>
}

function node(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [program(SERVER_CLI), ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

export type FaultEntry = { fault: string; description: string }

/** What a `--list-faults` child prints: one JSON line per fault, parsed (never imported). */
export async function faultLines(child: ChildProcess, cli: string): Promise<FaultEntry[]> {
  const lines: string[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => void lines.push(line))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  if (code !== 0) throw new Error(`${cli} --list-faults exited ${code}`)
  return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as FaultEntry)
}

/** `reference-server/cli.ts --list-faults`. */
export function listFaults(): Promise<FaultEntry[]> {
  return faultLines(node(['--list-faults']), SERVER_CLI)
}

/**
 * A started reference child (device or relay) and how to stop it: resolves once it prints its
 * `{"event":"listening","url":…}` line; rejects, with its last stderr, when it exits first or
 * prints none within START_TIMEOUT_MS (then it is stopped). `what` names it in the error.
 */
export function untilListening(
  child: ChildProcess,
  what: string,
  cleanup: () => void = () => undefined,
): Promise<{ url: string; stop(): Promise<void> }> {
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)))
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    cleanup()
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`${what} did not start:\n${stderr}`)))
    }, START_TIMEOUT_MS)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${what} exited:\n${stderr}`))
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let event: { event?: string; url?: string }
      try {
        event = JSON.parse(line) as typeof event
      } catch {
        return
      }
      if (event.event !== 'listening' || event.url === undefined) return
      clearTimeout(timer)
      resolve({ url: event.url, stop })
    })
  })
}

/** Starts the device on 127.0.0.1, port 0, memory store, test hooks, REFERENCE_LIMITS + `args`. */
export function startReference(args: readonly string[] = []): Promise<ReferenceChild> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pairwire-reference-'))
  const child = node(['--host', '127.0.0.1', '--port', '0', '--store', 'memory', '--test-hooks',
    '--state-dir', stateDir, ...REFERENCE_LIMITS, ...args])
  return untilListening(child, 'the reference device', () => rmSync(stateDir, { recursive: true, force: true }))
}

/**
 * The reference client as a client-mode adapter (spec §12.3): a shell command line that starts
 * the bundle of pairwire-client (from the build, the built CLI when `npm run build:adapter` has
 * not run), never imported.
 */
export function referenceClientAdapter(): string {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  // `npm run build:adapter` bundles the same CLI into one file (esbuild): a third of the start-up
  // CPU of loading dist/'s modules one by one, and client mode starts the adapter ~150 times.
  const bundle = bundleFile(REFERENCE_ENTRIES.client)
  if (FROM_BUILD && existsSync(bundle)) return [process.execPath, bundle].map(quote).join(' ')
  return [process.execPath, resolve(PACKAGE_ROOT, program(CLIENT_CLI))].map(quote).join(' ')
}

/** `pairwire-client --list-faults`: one JSON line per client fault switch, parsed. */
export function listClientFaults(): Promise<FaultEntry[]> {
  const child = spawn(process.execPath, [program(CLIENT_CLI), '--list-faults'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  return faultLines(child, CLIENT_CLI)
}
