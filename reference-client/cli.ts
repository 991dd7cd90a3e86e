#!/usr/bin/env node
/**
 * `pairwire-client`: the reference client on the command line, and the client adapter of the
 * conformance harness (spec §12.3). Each command prints one JSON object on stdout:
 *   pair         {"client_id", "device_id"}
 *   call         the JSON-RPC response object as received (a JSON-RPC error response included),
 *                after which the session is closed with 1000
 *   signed-call  the same, over POST /pairwire/v1/rpc
 *   unpair       {"client_id"}
 *   info         the credentials without client_seed and pairing_key
 * A failure prints {"error": {"problem", "close_code", "message"}} on stderr and exits with
 *   1 the device refused (a problem or a close code), 2 the device failed verification (cB, ids,
 *   device_key, Noise message 2, a frame), 3 usage, I/O, network or timeout.
 * With --profile zaparoo-v1, pair and call speak Zaparoo Core's protocol (reference-client/zaparoo.ts)
 * and print the same shapes: pair {"client_id", "device"}, call the JSON-RPC response.
 * On a terminal (stdout and stderr both TTYs, no --json) a failure is one human line instead
 * (cli-human.ts), with attempts_remaining, Retry-After and the clock offset; exit codes are the same.
 * --help prints the usage and exits 0.
 * Nothing printed ever holds a secret.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseCommand, type Command } from './cli-args.ts'
import { connect } from './connect.ts'
import { publicCredentials } from './credentials.ts'
import {
  checkWritableLocation,
  readCredentialsFile,
  writeCredentialsFile,
  writeSecretJsonFile,
} from './credentials-file.ts'
import { humanMessage, USAGE, wantsHelp } from './cli-human.ts'
import { ClientError } from './errors.ts'
import { pair } from './pair.ts'
import { signedRequest, unpair } from './signed.ts'
import { callZaparoo, pairZaparoo, readZaparooCredentials } from './zaparoo.ts'
import { CLIENT_FAULTS, clientFault } from './faults.ts'
import { useFixedPointTables } from '../protocol/spake2/index.ts'

export const EXIT = { ok: 0, refused: 1, verification: 2, usage: 3 } as const
const CLOSE_WAIT_MS = 1000

export interface CliOutput {
  stdout(line: string): Promise<void> | void
  stderr(line: string): Promise<void> | void
  /** A person reads both streams (TTYs): failures are one human line unless --json is given. */
  readonly human?: boolean
}

export interface ErrorReport {
  problem: string | null
  close_code: number | null
  message: string
}

/** pair and call of the zaparoo-v1 profile (spec/profiles/zaparoo-v1.md §2 - §5). */
async function runZaparoo(command: Command): Promise<object> {
  if (command.name === 'pair') {
    await checkWritableLocation(command.credentials)
    const credentials = await pairZaparoo({ url: command.url, pin: command.pin, name: command.clientName })
    await writeSecretJsonFile(command.credentials, credentials)
    return { client_id: credentials.client_id, device: credentials.url }
  }
  if (command.name !== 'call') throw ClientError.usage(`--profile applies to pair and call only`)
  const credentials = await readZaparooCredentials(command.credentials)
  return (await callZaparoo(credentials, command.method, command.params)) as object
}

/** pair, call, signed-call and unpair through a relay (spec §15.5, reference-client/relay.ts). */
async function runRelayed(command: Command, relay: NonNullable<Command['relay']>): Promise<object> {
  // Loaded only for --relay: relay.ts brings undici, whose start-up every other command (and
  // every client-mode adapter run) would pay.
  const { checkRelayedDevice, relayTransport, settleRelayStreams } = await import('./relay.ts')
  // Before the command's answer (and the exit after it), let the streams finish their closing
  // handshakes (bounded): the last bytes we sent are not lost to an RST at exit.
  const closeTransport = async (transport: { close(): Promise<void> }) => {
    await transport.close()
    await settleRelayStreams(CLOSE_WAIT_MS)
  }
  if (command.name === 'pair') {
    await checkWritableLocation(command.credentials)
    const transport = relayTransport(relay.url, relay.deviceId ?? '')
    try {
      await checkRelayedDevice(transport)
      const options = { url: transport.origin, pin: command.pin, name: command.clientName, fetch: transport.fetch }
      const credentials = await pair(options)
      await writeCredentialsFile(command.credentials, credentials)
      return { client_id: credentials.client_id, device_id: credentials.device_id }
    } finally {
      await closeTransport(transport)
    }
  }
  const stored = await readCredentialsFile(command.credentials)
  const transport = relayTransport(relay.url, stored.device_id)
  // The relayed origin of this relay (spec §15.5), whatever the credentials were paired through.
  const credentials = { ...stored, url: transport.origin }
  const io = { fetch: transport.fetch, socketFactory: transport.socketFactory }
  try {
    switch (command.name) {
      case 'call': {
        const session = await connect(credentials, io)
        try {
          return await session.request(command.method, command.params)
        } finally {
          await within(session.close(), CLOSE_WAIT_MS).catch(() => {})
        }
      }
      case 'signed-call':
        return await signedRequest(credentials, command.method, command.params, { alg: command.alg, fetch: transport.fetch })
      case 'unpair':
        await unpair(credentials, { fetch: transport.fetch })
        return { client_id: credentials.client_id }
      case 'info':
        return publicCredentials(stored)
    }
  } finally {
    await closeTransport(transport)
  }
}

async function run(command: Command): Promise<object> {
  if (command.profile !== undefined) return runZaparoo(command)
  if (command.relay !== undefined) return runRelayed(command, command.relay)
  if (command.name === 'pair') {
    await checkWritableLocation(command.credentials)
    const pinned = command.deviceId === undefined ? {} : { deviceId: command.deviceId }
    // The write-credentials-before-check fault switch: a placeholder file before cB is checked.
    const beforeCheck = clientFault('write-credentials-before-check')
      ? () => writeSecretJsonFile(command.credentials, { v: 1, url: command.url, pending: true })
      : undefined
    const options = { url: command.url, pin: command.pin, name: command.clientName, ...pinned }
    const credentials = await pair(beforeCheck === undefined ? options : { ...options, beforeCheck })
    await writeCredentialsFile(command.credentials, credentials)
    return { client_id: credentials.client_id, device_id: credentials.device_id }
  }
  const credentials = await readCredentialsFile(command.credentials)
  switch (command.name) {
    case 'call': {
      const session = await connect(credentials, { verifyDiscovery: true })
      try {
        return await session.request(command.method, command.params)
      } finally {
        // Spec §12.3: close with 1000, waiting briefly for the device to answer the close.
        await within(session.close(), CLOSE_WAIT_MS).catch(() => {})
      }
    }
    case 'signed-call': {
      const options = { alg: command.alg }
      return signedRequest(credentials, command.method, command.params, options)
    }
    case 'unpair':
      await unpair(credentials)
      return { client_id: credentials.client_id }
    case 'info':
      return publicCredentials(credentials)
  }
}

function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(ClientError.transport('the command timed out')), timeoutMs)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** The exit code and stderr report of a failure. */
export function reportOf(error: unknown): { exit: number; error: ErrorReport } {
  const base = { problem: null, close_code: null }
  if (!(error instanceof ClientError)) {
    const message = error instanceof Error ? error.message : 'unexpected failure'
    return { exit: EXIT.usage, error: { ...base, message } }
  }
  const { message } = error
  switch (error.kind) {
    case 'problem':
      return { exit: EXIT.refused, error: { ...base, problem: error.problem!.type, message } }
    case 'close':
      return { exit: EXIT.refused, error: { ...base, close_code: error.close!.code, message } }
    case 'device-verification':
      return { exit: EXIT.verification, error: { ...base, message } }
    case 'transport':
    case 'usage':
      return { exit: EXIT.usage, error: { ...base, message } }
  }
}

/** Runs one command line (without the program name); resolves with the exit code. */
export async function main(argv: readonly string[], output: CliOutput): Promise<number> {
  if (argv[0] === '--list-faults') {
    // One JSON line per fault switch (faults.ts), as the reference server's --list-faults.
    for (const [fault, description] of Object.entries(CLIENT_FAULTS)) {
      await output.stdout(JSON.stringify({ fault, description }))
    }
    return EXIT.ok
  }
  if (wantsHelp(argv)) {
    await output.stdout(USAGE)
    return EXIT.ok
  }
  // --json only chooses the failure format, wherever it stands on the line.
  const human = output.human === true && !argv.includes('--json')
  try {
    const command = parseCommand(argv.filter((arg) => arg !== '--json'))
    const result = await within(run(command), command.timeoutMs)
    await output.stdout(JSON.stringify(result))
    return EXIT.ok
  } catch (error) {
    const report = reportOf(error)
    await output.stderr(human ? humanMessage(error) : JSON.stringify({ error: report.error }))
    return report.exit
  }
}

function writeTo(stream: NodeJS.WriteStream): (line: string) => Promise<void> {
  return (line) => new Promise((resolve) => stream.write(line + '\n', () => resolve()))
}

function invokedScript(): string | undefined {
  try {
    return realpathSync(process.argv[1] ?? '')
  } catch {
    return undefined
  }
}

if (invokedScript() === fileURLToPath(import.meta.url)) {
  // One command, at most one pairing, then exit: building SPAKE2's tables would cost more
  // than they save (protocol/spake2/constants.ts).
  useFixedPointTables(false)
  const code = await main(process.argv.slice(2), {
    stdout: writeTo(process.stdout),
    stderr: writeTo(process.stderr),
    human: process.stdout.isTTY === true && process.stderr.isTTY === true,
  })
  // An open socket's close handshake must not keep a finished command alive.
  process.exit(code)
}
