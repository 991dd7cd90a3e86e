/**
 * `pairwire-conformance relay --url URL [options]`: the command line of relay mode (spec §15),
 * sharing --only/--skip/--level/--seed/--runs/--replay/--report/--timeout/--slow with server
 * mode. The limits a relay does not tell in relay-held are given as flags; the cases that need an
 * absent one are skipped (exit 3 unless --allow-skips).
 */
import { randomInt } from 'node:crypto'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { parseReplay } from '../replay.ts'
import type { LevelOption } from '../selection.ts'
import type { RelayRunOptions } from './run.ts'

export const RELAY_USAGE = `usage: pairwire-conformance relay --url ws://HOST:PORT [options]
  --url URL                    the relay (ws, wss, http or https origin)
  --max-connections-per-ip N   --idle-timeout S   --claim-timeout S   --ping-interval S
  --max-stream-buffer N        the relay's limits that relay-held does not tell (spec §15.7);
                               cases needing an absent one are skipped
  --only GLOB, --skip GLOB, --level must|should, --seed N, --runs N, --replay TOKEN,
  --report json:FILE|junit:FILE|html:FILE, --timeout S, --slow, --allow-skips, --list
                               as for server mode
`

const GIVEN = ['max-connections-per-ip', 'idle-timeout', 'claim-timeout', 'ping-interval', 'max-stream-buffer'] as const

const OPTIONS = {
  url: { type: 'string' },
  only: { type: 'string', multiple: true, default: [] as string[] },
  skip: { type: 'string', multiple: true, default: [] as string[] },
  level: { type: 'string', default: 'should' },
  seed: { type: 'string' },
  runs: { type: 'string', default: '20' },
  replay: { type: 'string' },
  report: { type: 'string', multiple: true, default: [] as string[] },
  slow: { type: 'boolean', default: false },
  timeout: { type: 'string', default: '5' },
  'allow-skips': { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  ...Object.fromEntries(GIVEN.map((flag) => [flag, { type: 'string' }])),
} satisfies ParseArgsConfig['options']

export class RelayUsageError extends Error {}

function positive(flag: string, text: string): number {
  const value = Number(text)
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < 1) throw new RelayUsageError(`--${flag} must be an integer >= 1`)
  return value
}

export function parseRelayArgs(argv: readonly string[]): { options: RelayRunOptions; reports: string[]; list: boolean; verbose: boolean } {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  if (positionals.length > 0) throw new RelayUsageError(`unexpected argument ${positionals[0]}`)
  if (values.url === undefined) throw new RelayUsageError('--url is required')
  let url: URL
  try {
    url = new URL(values.url)
  } catch {
    throw new RelayUsageError(`--url ${values.url}: not a URL`)
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) throw new RelayUsageError('--url must be ws, wss, http or https')
  if (values.level !== 'must' && values.level !== 'should') throw new RelayUsageError('--level must be must or should')
  const replay = values.replay === undefined ? undefined : parseReplay(values.replay)
  if (values.replay !== undefined && replay === undefined) throw new RelayUsageError(`--replay ${values.replay}: expected <case-id>@<seed>[:<path>]`)
  const timeout = Number(values.timeout)
  if (!(timeout > 0 && timeout <= 600)) throw new RelayUsageError('--timeout must be seconds in (0, 600]')
  const given: Record<string, number> = {}
  for (const flag of GIVEN) {
    const text = (values as Record<string, unknown>)[flag] as string | undefined
    if (text !== undefined) given[flag.replaceAll('-', '_')] = positive(flag, text)
  }
  const seed = replay?.point.seed ?? (values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed))
  if (!Number.isSafeInteger(seed)) throw new RelayUsageError('--seed must be an integer')
  const options: RelayRunOptions = {
    url: url.origin.replace(/^http/, 'ws'),
    given,
    selection: {
      only: values.only.flatMap((g) => g.split(',')),
      skip: values.skip.flatMap((g) => g.split(',')),
      level: values.level as LevelOption,
      ...(replay === undefined ? {} : { replayId: replay.id }),
    },
    seed,
    runs: positive('runs', values.runs),
    ...(replay === undefined ? {} : { replay }),
    timeoutMs: Math.round(timeout * 1000),
    slow: values.slow,
    allowSkips: values['allow-skips'],
  }
  return { options, reports: values.report, list: values.list, verbose: values.verbose }
}
