/**
 * What `pairwire-client` prints for a person: the usage text (--help) and the one-line message of
 * a failure on a terminal. Programs get the JSON of spec §12.3 instead (cli.ts prints it whenever
 * stdout or stderr is not a terminal, or with --json), so the adapter contract never sees these
 * lines. Every piece of a device's answer printed here is cut to printable ASCII: a device's
 * title, detail or close reason must not move a terminal's cursor or span lines.
 */
import { PROBLEMS, problemType } from '../protocol/registry.ts'
import { ClientError } from './errors.ts'

export const USAGE = `usage: pairwire-client COMMAND [options]

commands:
  pair         --url URL --pin PIN [--name NAME]     pair with the device showing PIN
  call         --method M [--params JSON]            one JSON-RPC call over an encrypted session
  signed-call  --method M [--params JSON] [--alg ed25519|hmac-sha256]
                                                     one JSON-RPC call as a signed POST /rpc
  unpair                                             remove this client from the device
  info                                               the credentials, without their secrets

options (every command):
  --credentials FILE   where the credentials are kept (mode 0600); default
                       $XDG_CONFIG_HOME/pairwire/credentials.json, else
                       ~/.config/pairwire/credentials.json
  --timeout SECONDS    give up after SECONDS (default 30)
  --profile zaparoo-v1 pair and call speak Zaparoo Core's protocol (pair and call only)
  --json               failures as JSON on stderr even on a terminal
  --help, -h           this text

Results are one JSON object on stdout. A failure prints one line on stderr (JSON when stdout or
stderr is not a terminal, spec §12.3) and exits 1 the device refused, 2 the device failed
verification, 3 usage, I/O, network or timeout.`

/** True for a command line asking for the usage text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')
}

const printable = (text: string): string => text.replace(/[^\x20-\x7e]/g, ' ').trim().slice(0, 200)

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Spec §5.8: attempts_remaining of a confirmation-failed answer. */
function wrongPin(remaining: unknown): string {
  if (typeof remaining !== 'number') return 'wrong PIN: the device did not accept the confirmation'
  if (remaining <= 0) {
    return 'wrong PIN, no attempts remaining: the pairing window is closed; open a new one on the device'
  }
  return `wrong PIN: ${plural(remaining, 'attempt')} remaining in this pairing window`
}

/** Spec §8.7: device_time (Unix seconds) of a clock-skew answer, against this machine's clock. */
function clockSkew(deviceTime: unknown, nowMs: number): string {
  const base = 'the device refused the signature: the clocks differ by more than it allows'
  if (typeof deviceTime !== 'number' || !Number.isFinite(deviceTime)) return `${base}; check both clocks`
  const offset = Math.round(nowMs / 1000 - deviceTime)
  const direction = offset >= 0 ? 'ahead of' : 'behind'
  const at = new Date(deviceTime * 1000).toISOString().replace('.000Z', 'Z')
  return `${base}: this machine is ${plural(Math.abs(offset), 'second')} ${direction} the device (device time ${at}); set the clocks right`
}

function refusal(error: ClientError, nowMs: number): string {
  const problem = error.problem!
  if (problem.type === problemType(PROBLEMS.confirmationFailed)) return wrongPin(problem.attempts_remaining)
  if (problem.type === problemType(PROBLEMS.clockSkew)) return clockSkew(problem.device_time, nowMs)
  if (problem.type === problemType(PROBLEMS.pairingWindowClosed)) {
    return 'no pairing window is open on the device (none opened, expired, used or out of attempts); open one there and use its new PIN'
  }
  const title = typeof problem.title === 'string' ? printable(problem.title) : ''
  const detail = typeof problem.detail === 'string' ? printable(problem.detail) : ''
  let line = `the device refused the request: ${problem.status}${title === '' ? '' : ' ' + title}`
  if (problem.type !== 'about:blank') line += ` (${printable(problem.type)})`
  if (detail !== '' && detail !== title) line += `: ${detail}`
  if (error.retryAfterSeconds !== null) {
    line += `; retry in ${plural(error.retryAfterSeconds, 'second')} (Retry-After)`
  }
  return line
}

/** The one line a person sees for a failure, prefixed with the program's name. */
export function humanMessage(error: unknown, nowMs = Date.now()): string {
  const say = (text: string) => `pairwire-client: ${text}`
  if (!(error instanceof ClientError)) {
    return say(error instanceof Error ? printable(error.message) : 'unexpected failure')
  }
  switch (error.kind) {
    case 'problem':
      return say(refusal(error, nowMs))
    case 'close':
      return say(`the device closed the session: ${error.close!.code} ${printable(error.close!.reason)}`.trimEnd())
    case 'device-verification':
      return say(`the device failed verification: ${error.message}`)
    case 'transport':
      return say(error.message)
    case 'usage':
      return say(`${printable(error.message)} (pairwire-client --help shows the usage)`)
  }
}
