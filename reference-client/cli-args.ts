/**
 * The command line of `pairwire-client` (spec §12.3 "Client adapter contract"):
 *
 *   pair        --url URL --pin PIN [--name NAME] [--credentials FILE]
 *   pair        --uri pairwire:... [--pin PIN] [--name NAME] [--credentials FILE]  (spec §5.11)
 *               (or --relay URL --device ID in place of --url: through a relay, spec §15.5;
 *               call, signed-call and unpair then take --relay URL too)
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
import { parsePairingUri } from '../protocol/pairing-uri.ts'
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
  /** --relay URL (and for pair --device ID): reach the device through a relay (spec §15.5). */
  readonly relay?: { readonly url: string; readonly deviceId?: string }
}

export type Command = Common &
  (
    | {
        readonly name: 'pair'
        readonly url: string
        readonly pin: string
        readonly clientName: string
        /** From --uri: the device_id the device's key must match (spec §5.11). */
        readonly deviceId?: string
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
  uri: { type: 'string' },
  relay: { type: 'string' },
  device: { type: 'string' },
} as const

type OptionName = keyof typeof OPTIONS

// Which options each command accepts; --credentials and --timeout go with all of them.
const ACCEPTS: Record<Command['name'], readonly OptionName[]> = {
  pair: ['url', 'pin', 'name', 'uri', 'relay', 'device'],
  call: ['method', 'params', 'url', 'relay'],
  'signed-call': ['method', 'params', 'alg', 'url', 'relay'],
  unpair: ['url', 'relay'],
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

/** pair --uri: url, device_id and PIN from the pairing URI; --pin supplies or overrides the PIN. */
function uriPairing(values: Partial<Record<OptionName, string>>) {
  if (values.url !== undefined) throw ClientError.usage('--uri already names the device: drop --url')
  if (values.profile !== undefined) throw ClientError.usage('--uri is a Pairwire 1 pairing URI')
  let uri
  try {
    uri = parsePairingUri(values.uri ?? '')
  } catch (e) {
    throw ClientError.usage((e as Error).message)
  }
  const pin = values.pin ?? uri.pin
  if (pin === null) throw ClientError.usage('the pairing URI carries no PIN: add --pin')
  return { url: uri.url, pin, deviceId: uri.deviceId }
}

/** --relay URL, with --device ID for pair (later commands take the id from the credentials). */
function relayOf(name: Command['name'], values: Partial<Record<OptionName, string>>) {
  if (values.relay === undefined) {
    if (values.device !== undefined) throw ClientError.usage('--device goes with --relay')
    return {}
  }
  if (name === 'pair') {
    if (values.url !== undefined) throw ClientError.usage('pair takes --url or --relay, not both')
    return { relay: { url: values.relay, deviceId: required(values, 'device') } }
  }
  return { relay: { url: values.relay } }
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
    ...relayOf(name, values),
  }
  switch (name) {
    case 'pair': {
      const pairing =
        values.uri !== undefined
          ? uriPairing(values)
          : { url: values.relay === undefined ? required(values, 'url') : '', pin: required(values, 'pin') }
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
