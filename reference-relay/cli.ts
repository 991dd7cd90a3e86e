#!/usr/bin/env node
/**
 * pairwire-relay: the reference relay's command line (spec §15).
 *
 *   pairwire-relay [--host 127.0.0.1] [--port 8787] [--grace S] [--claim-timeout S] ...
 *
 * Prints one JSON line {"event":"listening","url":...} on stdout when ready; logs go to stderr as
 * JSON lines. Runs until SIGTERM/SIGINT, then closes every link and stream with 1001.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Writable } from 'node:stream'
import { RELAY_LIMIT_DEFAULTS, type RelayLimits } from '../protocol/registry.ts'
import { isLoopbackHost } from '../reference-server/http/loopback.ts'
import { RELAY_FAULTS, isRelayFaultName, type RelayFaultName } from './faults.ts'
import { createRelay, resolveRelayLimits } from './relay.ts'

export interface CliIo {
  readonly stdout: Writable
  readonly stderr: Writable
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

const limitFlag = (name: string): string => name.replaceAll('_', '-')

const USAGE = `usage:
  pairwire-relay [--host 127.0.0.1] [--port 8787] [--fault NAME]...
                 [--${Object.keys(RELAY_LIMIT_DEFAULTS).map(limitFlag).join(' N] [--')} N]
  pairwire-relay --list-faults
Times in seconds, sizes in bytes (spec §15.7). --fault needs a loopback --host.
`

const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8787' },
  fault: { type: 'string', multiple: true, default: [] },
  'list-faults': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  ...Object.fromEntries(Object.keys(RELAY_LIMIT_DEFAULTS).map((k) => [limitFlag(k), { type: 'string' }])),
} satisfies ParseArgsConfig['options']

class UsageError extends Error {}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text)
  if (text === undefined || !/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer in ${min}..${max}`)
  }
  return value
}

function limitsOf(values: Record<string, unknown>): Partial<RelayLimits> {
  const limits: Partial<RelayLimits> = {}
  for (const name of Object.keys(RELAY_LIMIT_DEFAULTS) as (keyof RelayLimits)[]) {
    const text = values[limitFlag(name)] as string | undefined
    if (text !== undefined) limits[name] = integer(limitFlag(name), text, 1, Number.MAX_SAFE_INTEGER)
  }
  try {
    resolveRelayLimits(limits)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  return limits
}

const line = (io: CliIo, value: unknown): void => void io.stdout.write(JSON.stringify(value) + '\n')

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  if (values.help) {
    io.stdout.write(USAGE)
    return EXIT.ok
  }
  if (values['list-faults']) {
    for (const [fault, description] of Object.entries(RELAY_FAULTS)) line(io, { fault, description })
    return EXIT.ok
  }
  if (positionals.length > 0) throw new UsageError(`unknown command ${positionals.join(' ')}`)
  for (const name of values.fault) if (!isRelayFaultName(name)) throw new UsageError(`unknown fault ${name}`)
  if (values.fault.length > 0 && !isLoopbackHost(values.host)) {
    throw new UsageError('--fault needs a loopback --host (127.0.0.0/8, ::1, localhost)')
  }
  const limits = limitsOf(values as Record<string, unknown>)
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  const relay = await createRelay({
    host: values.host,
    port: integer('port', values.port, 0, 65_535),
    limits,
    faults: values.fault as RelayFaultName[],
  })
  line(io, { event: 'listening', url: relay.url, limits: relay.limits })
  await stop
  await relay.close()
  return EXIT.ok
}

export async function runCli(argv: string[], io: CliIo = process): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (e) {
    const code = (e as { code?: unknown }).code
    const usage = e instanceof UsageError || String(code).startsWith('ERR_PARSE_ARGS')
    io.stderr.write(`pairwire-relay: ${(e as Error).message}\n`)
    if (!usage) return EXIT.failed
    io.stderr.write(USAGE)
    return EXIT.usage
  }
}

const invokedPath = process.argv[1] === undefined ? '' : realpathSync(process.argv[1])
if (invokedPath === fileURLToPath(import.meta.url)) {
  process.exit(await runCli(process.argv.slice(2)))
}
