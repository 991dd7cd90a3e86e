/**
 * Starts the reference relay (reference-relay/cli.ts) as a child process for the relay-mode tests
 * and the relay fault self-test: judged over the wire like any relay, never imported. Short
 * limits let the grace, idle, claim and keepalive cases run in about a second each; the harness
 * is told the limits relay-held does not carry (RELAY_HARNESS_FLAGS).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from '../package-root.ts'
import { bundleOf, REFERENCE_ENTRIES } from '../reference-bundles.ts'
import { faultLines, untilListening, type FaultEntry } from '../reference-child.ts'

const FROM_BUILD = fileURLToPath(import.meta.url).endsWith('.js')
const RELAY_CLI = FROM_BUILD ? 'dist/reference-relay/cli.js' : REFERENCE_ENTRIES.relay

const SHORT = {
  grace: '1',
  'claim-timeout': '1',
  'idle-timeout': '2',
  'ping-interval': '1',
  'max-stream-buffer': '32768',
  'max-streams-per-device': '4',
  'max-connections-per-ip': '24',
} as const

export const RELAY_REFERENCE_LIMITS: readonly string[] = Object.entries(SHORT).flatMap(([k, v]) => [`--${k}`, v])

/** What `pairwire-conformance relay` needs to be told of the reference relay's limits. */
export const RELAY_HARNESS_FLAGS: readonly string[] = (['claim-timeout', 'idle-timeout', 'ping-interval', 'max-stream-buffer', 'max-connections-per-ip'] as const)
  .flatMap((k) => [`--${k}`, SHORT[k]])

function node(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [FROM_BUILD ? RELAY_CLI : bundleOf(RELAY_CLI), ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
}

export function listRelayFaults(): Promise<FaultEntry[]> {
  return faultLines(node(['--list-faults']), RELAY_CLI)
}

export function startReferenceRelay(args: readonly string[] = []): Promise<{ url: string; stop(): Promise<void> }> {
  const child = node(['--host', '127.0.0.1', '--port', '0', ...RELAY_REFERENCE_LIMITS, ...args])
  return untilListening(child, 'the reference relay')
}
