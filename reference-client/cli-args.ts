/**
 * The command line of `pairwire-client` (spec §12.3 "Client adapter contract"):
 *
 *   pair        --url URL --pin PIN [--name NAME] [--credentials FILE]
 *   call        --method M [--params JSON] [--credentials FILE] [--url URL]
 *   signed-call --method M [--params JSON] [--alg ed25519|hmac-sha256] [--credentials FILE]
 *               [--url URL]
 *   unpair      [--credentials FILE] [--url URL]
 *   info        [--credentials FILE]
 *
 * pair and call also take --profile zaparoo-v1 (spec/profiles/zaparoo-v1.md): pair with a Zaparoo
 * Core by its PIN and call one method over its encrypted WebSocket, with credentials of that
 * profile (default file zaparoo-credentials.json in the per-user directory below).
 *
 * Without --credentials FILE the credentials live in a per-user directory, never the working
 * directory: $XDG_CONFIG_HOME/pairwire/credentials.json, else ~/.config/pairwire/credentials.json
 * (credentials-file.ts). The adapter contract (spec §12.3) always passes --credentials.
 *
 * Every command also takes --timeout SECONDS (default 30). --url after pairing is accepted and
 * ignored: the credentials name their device. Anything else is a usage error.
 */
import { parseArgs } from 'node:util'
import { isSignatureAlgorithm, type SignatureAlgorithm } from '../protocol/httpsig/index.ts'
import { DEFAULT_CREDENTIALS_FILE } from './credentials-file.ts'
import { DEFAULT_ZAPAROO_CREDENTIALS_FILE, ZAPAROO_PROFILE } from './zaparoo.ts'
import { ClientError } from './errors.ts'
import type { RpcParams } from './jsonrpc.ts'

export const DEFAULT_CLIENT_NAME = 'pairwire-client'
const DEFAULT_TIMEOUT_SECONDS = 30

interface Common {
  readonly credentials: string
  readonly timeoutMs: number
  /** Set when --profile zaparoo-v1 was given; otherwise the command speaks Pairwire 1. */
  readonly profile?: typeof ZAPAROO_PROFILE
}

export type Command = Common &
  (
    | {
        readonly name: 'pair'
        readonly url: string
        readonly pin: string
        readonly clientName: string
      }
    | { readonly name: 'call'; readonly method: string; readonly params: RpcParams }
    | {
        readonly name: 'signed-call'
        readonly method: string
        readonly params: RpcParams
        readonly alg: SignatureAlgorithm
      }
    | { readonly name: 'unpair' }
    | { readonly name: 'info' }
  )

const OPTIONS = {
  url: { type: 'string' },
  pin: { type: 'string' },
  name: { type: 'string' },
  credentials: { type: 'string' },
  method: { type: 'string' },
  params: { type: 'string' },
  alg: { type: 'string' },
  timeout: { type: 'string' },
  profile: { type: 'string' },
} as const

type OptionName = keyof typeof OPTIONS

// Which options each command accepts; --credentials and --timeout go with all of them.
const ACCEPTS: Record<Command['name'], readonly OptionName[]> = {
  pair: ['url', 'pin', 'name'],
  call: ['method', 'params', 'url'],
  'signed-call': ['method', 'params', 'alg', 'url'],
  unpair: ['url'],
  info: [],
}

function isCommandName(name: string | undefined): name is Command['name'] {
  return name !== undefined && Object.hasOwn(ACCEPTS, name)
}

function required(values: Partial<Record<OptionName, string>>, name: OptionName): string {
  const value = values[name]
  if (value === undefined || value === '') throw ClientError.usage(`--${name} is required`)
  return value
}

function parseParams(text: string | undefined): RpcParams {
  if (text === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw ClientError.usage('--params must be JSON')
  }
  // JSON-RPC 2.0 §4.2: by-name (object) or by-position (array).
  if (typeof value !== 'object' || value === null) {
    throw ClientError.usage('--params must be a JSON object or array')
  }
  return value as RpcParams
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000
  const seconds = Number(text)
  if (!/^[0-9]+$/.test(text) || seconds < 1) {
    throw ClientError.usage('--timeout must be whole seconds')
  }
  return seconds * 1000
}

function parseAlg(text: string | undefined): SignatureAlgorithm {
  if (text === undefined) return 'ed25519'
  if (!isSignatureAlgorithm(text)) throw ClientError.usage('--alg must be ed25519 or hmac-sha256')
  return text
}

function parseOptions(args: readonly string[]): Partial<Record<OptionName, string>> {
  try {
    const strictness = { strict: true, allowPositionals: false } as const
    return parseArgs({ args: [...args], options: OPTIONS, ...strictness }).values
  } catch (error) {
    throw ClientError.usage((error as Error).message)
  }
}

export function parseCommand(argv: readonly string[]): Command {
  const [name, ...args] = argv
  if (!isCommandName(name)) {
    throw ClientError.usage('usage: pairwire-client pair|call|signed-call|unpair|info [options]')
  }
  const values = parseOptions(args)
  for (const option of Object.keys(values) as OptionName[]) {
    const common = option === 'credentials' || option === 'timeout'
    const profiled = option === 'profile' && (name === 'pair' || name === 'call')
    if (!common && !profiled && !ACCEPTS[name].includes(option)) {
      throw ClientError.usage(`${name} takes no --${option}`)
    }
  }
  if (values.profile !== undefined && values.profile !== ZAPAROO_PROFILE) {
    throw ClientError.usage(`--profile must be ${ZAPAROO_PROFILE}`)
  }
  const zaparoo = values.profile === ZAPAROO_PROFILE
  const defaultFile = zaparoo ? DEFAULT_ZAPAROO_CREDENTIALS_FILE : DEFAULT_CREDENTIALS_FILE
  const common = {
    credentials: values.credentials ?? defaultFile,
    timeoutMs: parseTimeout(values.timeout),
    ...(zaparoo ? { profile: ZAPAROO_PROFILE as typeof ZAPAROO_PROFILE } : {}),
  }
  switch (name) {
    case 'pair': {
      const pairing = { url: required(values, 'url'), pin: required(values, 'pin') }
      return { name, ...common, ...pairing, clientName: values.name ?? DEFAULT_CLIENT_NAME }
    }
    case 'call': {
      const call = { method: required(values, 'method'), params: parseParams(values.params) }
      return { name, ...common, ...call }
    }
    case 'signed-call': {
      const call = { method: required(values, 'method'), params: parseParams(values.params) }
      return { name, ...common, ...call, alg: parseAlg(values.alg) }
    }
    case 'unpair':
    case 'info':
      return { name, ...common }
  }
}
