#!/usr/bin/env node
/**
 * pairwire-conformance: the command line of the conformance harness (spec §14.2).
 *
 *   pairwire-conformance server --url URL [--pin-command CMD | --test-control] [--only GLOB]...
 *     [--skip GLOB]... [--level must|should] [--seed N] [--runs N] [--replay TOKEN]
 *     [--report json:FILE]... [--report junit:FILE]... [--report html:FILE]... [--slow]
 *     [--timeout S] [--no-test-control] [--allow-skips] [-v] [--list]
 *
 * The terminal report goes to stdout, progress to stderr. Exit 0: every selected MUST case
 * passed (and at least one case ran); 1: a MUST case failed; 2: nothing ran, the target was
 * unusable, the setup was broken or the command line was wrong; 3: no MUST case failed but MUST
 * cases were skipped for want of a PIN source or capability (unless --allow-skips). Every
 * --report file is written on every exit.
 */
import { randomInt } from 'node:crypto'
import { realpathSync, writeFileSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { PinOption } from './pins.ts'
import { parseReplay } from './replay.ts'
import { renderJson } from './report/json.ts'
import { renderHtml } from './report/html.ts'
import { renderJunit } from './report/junit.ts'
import { EXIT, type RunReport } from './report/model.ts'
import { renderTerminal } from './report/terminal.ts'
import { loadCases } from './registry.ts'
import { run, usageReport, type RunOptions } from './runner.ts'
import { selectCases, type LevelOption } from './selection.ts'
import { deviceUrl } from './target.ts'
import { PROFILE, runProfile } from './profiles/zaparoo-v1/run.ts'
import { CLIENT_PROPERTY_RUNS, runClient, type ClientRunOptions } from './client/runner.ts'
import { loadClientCases } from './client/registry.ts'
import { parseRelayArgs, RELAY_USAGE, RelayUsageError } from './relay/cli.ts'
import { loadRelayCases, runRelay, selectRelayCases } from './relay/run.ts'
import { startRelayBridge } from './relay/bridge.ts'

export interface CliIo {
  readonly stdout: Writable
  readonly stderr: Writable
}

export const USAGE = `usage: pairwire-conformance server --url URL [options]
       pairwire-conformance relay --url ws://HOST:PORT [options]   (spec §15; relay --help)
  --url URL            the device (http or https origin, no path)
  --pin-command CMD    shell command that opens a pairing window and prints its 6-digit PIN
                       (a case that wants a TTL sets PAIRWIRE_PIN_TTL in its environment)
  --test-control       open pairing windows with POST /pairwire/v1/test/pin (spec §12.2);
                       the default when the device advertises the test-control profile
  --no-test-control    do not use test-control even when the device advertises it
  --allow-skips        exit 0, not 3, when MUST cases were skipped for want of a PIN source
  --only GLOB          run only cases whose id matches (repeatable; * and ?)
  --skip GLOB          do not run cases whose id matches (repeatable)
  --level must|should  must: MUST cases only; should (default): every case
  --seed N             seed of every random choice (default: random, printed)
  --runs N             fast-check runs per property case (default 100)
  --replay TOKEN       run exactly one case again: <case-id>@<seed>[:<path>]
  --report json:FILE   also write the JSON report (schemas/conformance-report.schema.json)
  --report junit:FILE  also write a JUnit XML report
  --report html:FILE   also write a self-contained HTML report
  --list               print the cases the selection would run (level, anchor) and exit
  -v, --verbose        print each case's wire trace (headers, signature base, frames)
  --slow               run cases that wait more than 15 s
  --timeout S          timeout of each network step in seconds (default 5)
  --profile NAME       the protocol judged: pairwire-1 (default) or zaparoo-v1
                       (spec/profiles/zaparoo-v1.md; PINs from --pin-command or, on
                       loopback, the device's own clients.pair.start)
  --remote             zaparoo-v1: the harness reaches the device as a remote client
  --via-relay URL --device ID
                       in place of --url: judge the device ID behind the relay at URL (spec §15.5);
                       test-control is not served through a relay, so use --pin-command
  --help               this text
exit: 0 every selected MUST case passed, 1 a MUST case failed, 2 nothing ran, target unusable
      or setup broken (PIN command, options), 3 MUST cases skipped for want of a PIN source

usage: pairwire-conformance client --adapter CMD [options]
  --adapter CMD        the client's adapter (spec §12.3), a shell command line, e.g.
                       "node dist/reference-client/cli.js" or "python3 my_adapter.py";
                       the harness appends the subcommand and its arguments
  --only/--skip GLOB, --level, --seed, --replay, --report, --list, -v   as for server
  --runs N             fast-check runs per property case (default ${CLIENT_PROPERTY_RUNS})
  --timeout S          time limit of one adapter operation in seconds (default 30)
  --jobs N             cases run at once (default 3)
  --nice N             run the adapter at nice(1) priority +N (beside a server-mode run)
  --via-relay URL      the harness's device also holds its slot at the relay URL, and the
                       adapter is given --relay URL --device ID instead of --url (spec §12.3, §15.5)
exit: 0 every selected MUST case passed, 1 a MUST case failed, 2 nothing ran or the adapter
      cannot be run
`

const OPTIONS = {
  url: { type: 'string' },
  'pin-command': { type: 'string' },
  'test-control': { type: 'boolean', default: false },
  'no-test-control': { type: 'boolean', default: false },
  'allow-skips': { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  only: { type: 'string', multiple: true, default: [] as string[] },
  skip: { type: 'string', multiple: true, default: [] as string[] },
  level: { type: 'string', default: 'should' },
  seed: { type: 'string' },
  runs: { type: 'string', default: '100' },
  replay: { type: 'string' },
  report: { type: 'string', multiple: true, default: [] as string[] },
  slow: { type: 'boolean', default: false },
  timeout: { type: 'string', default: '5' },
  help: { type: 'boolean', default: false },
  profile: { type: 'string', default: 'pairwire-1' },
  remote: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options']

class UsageError extends Error {}

const PROFILES = ['pairwire-1', PROFILE] as const

// fast-check seeds are 32-bit integers; a random seed is drawn from [0, 2^31).
const SEED_RANGE = 2 ** 31
const MAX_TIMEOUT_S = 600

export interface ReportFile {
  readonly format: 'json' | 'junit' | 'html'
  readonly file: string
}

const REPORT_FILE = /^(json|junit|html):(.+)$/

function reportFile(spec: string): ReportFile {
  const m = REPORT_FILE.exec(spec)
  if (m === null) throw new UsageError(`--report ${spec}: expected json:, junit: or html:FILE`)
  return { format: m[1] as ReportFile['format'], file: m[2]! }
}

/** The well-formed --report values of a command line that failed to parse (usage errors). */
export function reportFilesOf(argv: readonly string[]): ReportFile[] {
  const values = argv.flatMap((arg, i) =>
    arg === '--report' ? [argv[i + 1] ?? ''] : arg.startsWith('--report=') ? [arg.slice(9)] : [],
  )
  return values.filter((v) => REPORT_FILE.test(v)).map(reportFile)
}

function integerFlag(flag: string, text: string, min: number): number {
  const value = Number(text)
  if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min}`)
  }
  return value
}

function pinOption(command: string | undefined, testControl: boolean, noTestControl: boolean): PinOption {
  if (command !== undefined && testControl) {
    throw new UsageError('--pin-command and --test-control exclude each other')
  }
  if (testControl && noTestControl) {
    throw new UsageError('--test-control and --no-test-control exclude each other')
  }
  if (command !== undefined) {
    if (command.trim() === '') throw new UsageError('--pin-command needs a command')
    return { kind: 'command', command }
  }
  if (testControl) return { kind: 'test-control' }
  return noTestControl ? { kind: 'none' } : { kind: 'auto' }
}

/** The run options of a `server` command line, and where to write reports. */
export function parseServerArgs(argv: readonly string[]): {
  options: RunOptions
  reports: ReportFile[]
  list: boolean
  profile: string
  remote: boolean
} {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  if (values.url === undefined) throw new UsageError('--url is required')
  const url = deviceUrl(values.url)
  if (url === undefined) throw new UsageError(`--url ${values.url}: expected http(s)://host[:port]`)
  if (values.level !== 'must' && values.level !== 'should') {
    throw new UsageError('--level must be must or should')
  }
  const replay = values.replay === undefined ? undefined : parseReplay(values.replay)
  if (values.replay !== undefined && replay === undefined) {
    throw new UsageError(`--replay ${values.replay}: expected <case-id>@<seed>[:<path>]`)
  }
  const timeout = Number(values.timeout)
  if (!(timeout > 0 && timeout <= MAX_TIMEOUT_S)) {
    throw new UsageError(`--timeout must be a number of seconds in (0, ${MAX_TIMEOUT_S}]`)
  }
  const given =
    values.seed === undefined ? undefined : integerFlag('seed', values.seed, -SEED_RANGE)
  const seed = replay?.point.seed ?? given ?? randomInt(SEED_RANGE)
  const options: RunOptions = {
    url,
    pins: pinOption(values['pin-command'], values['test-control'], values['no-test-control']),
    selection: {
      only: values.only.flatMap((g) => g.split(',')),
      skip: values.skip.flatMap((g) => g.split(',')),
      level: values.level as LevelOption,
      ...(replay === undefined ? {} : { replayId: replay.id }),
    },
    seed,
    runs: integerFlag('runs', values.runs, 1),
    ...(replay === undefined ? {} : { replay }),
    timeoutMs: Math.round(timeout * 1000),
    slow: values.slow,
    allowSkips: values['allow-skips'],
    verbose: values.verbose,
  }
  if (!(PROFILES as readonly string[]).includes(values.profile)) {
    throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}`)
  }
  if (values.remote && values.profile === 'pairwire-1') throw new UsageError('--remote needs --profile zaparoo-v1')
  const { profile, remote } = values
  return { options, reports: values.report.map(reportFile), list: values.list, profile, remote }
}

/** Writes the requested report files; a file that cannot be written is an unusable run. */
export function writeReports(report: RunReport, reports: readonly ReportFile[]): void {
  const render = { json: renderJson, junit: renderJunit, html: renderHtml }
  for (const { format, file } of reports) writeFileSync(file, render[format](report))
}

/** `--list`: the cases the selection would run, one a line, with level and anchor. */
function listCases(options: RunOptions, io: CliIo): number {
  const selected = selectCases(loadCases(), options.selection)
  for (const c of selected) io.stdout.write(`${c.id}\t${c.level}\t${c.requirement}\t${c.title}\n`)
  io.stderr.write(`${selected.length} cases\n`)
  return selected.length === 0 ? EXIT.unusable : EXIT.passed
}

/**
 * `--via-relay URL --device ID` (spec §15.5): judge a device behind a relay through a loopback
 * bridge (relay/bridge.ts); the rest of the command line is server mode's, with --url the bridge.
 */
async function viaRelay(argv: readonly string[], io: CliIo): Promise<number> {
  const at = argv.indexOf('--via-relay')
  const deviceAt = argv.indexOf('--device')
  const relayUrl = argv[at + 1]
  const deviceId = deviceAt < 0 ? undefined : argv[deviceAt + 1]
  if (relayUrl === undefined || deviceId === undefined) throw new UsageError('--via-relay URL needs --device ID')
  if (argv.includes('--url')) throw new UsageError('--via-relay replaces --url')
  const rest = argv.filter((_, i) => i !== at && i !== at + 1 && i !== deviceAt && i !== deviceAt + 1)
  // Spec §15.5 pw-relay-15.5-no-test-control: a relayed stream never reaches test-control.
  if (rest.includes('--test-control')) throw new UsageError('--via-relay: test-control is not served through a relay (spec §15.5); use --pin-command')
  const bridge = await startRelayBridge(relayUrl, deviceId).catch((e: unknown) => {
    throw new UsageError((e as Error).message)
  })
  try {
    io.stderr.write(`pairwire-conformance: through relay ${relayUrl} to ${deviceId} (bridge ${bridge.url})\n`)
    return await server(['--url', bridge.url, '--no-test-control', ...rest.filter((a) => a !== '--no-test-control')], io, true)
  } finally {
    await bridge.close()
  }
}

async function server(argv: readonly string[], io: CliIo, relayed = false): Promise<number> {
  if (argv.includes('--via-relay')) return viaRelay(argv, io)
  const parsed = parseServerArgs(argv)
  const { reports, list, profile, remote } = parsed
  const options: RunOptions = relayed ? { ...parsed.options, relayed } : parsed.options
  if (list) return listCases(options, io)
  const progress = (line: string): void => void io.stderr.write(`${line}\n`)
  progress(`pairwire-conformance: ${options.url}, seed ${options.seed}`)
  const outcome =
    profile === PROFILE ? await runZaparoo(options, remote, progress) : await run({ ...options, progress })
  if (outcome.kind === 'unusable') io.stderr.write(`pairwire-conformance: ${outcome.message}\n`)
  else io.stdout.write(renderTerminal(outcome.report, options.verbose === true))
  try {
    writeReports(outcome.report, reports)
  } catch (error) {
    io.stderr.write(`pairwire-conformance: cannot write a report: ${(error as Error).message}\n`)
    return EXIT.unusable
  }
  if (outcome.exitCode === EXIT.mustUnchecked) {
    const { mustUnchecked } = outcome.report.summary
    io.stderr.write(
      `pairwire-conformance: ${mustUnchecked} MUST cases were skipped for want of a PIN ` +
        'source (--pin-command CMD or --test-control); exit 3 (--allow-skips accepts that)\n',
    )
  }
  return outcome.exitCode
}

const CLIENT_OPTIONS = {
  adapter: { type: 'string' },
  list: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  only: { type: 'string', multiple: true, default: [] as string[] },
  skip: { type: 'string', multiple: true, default: [] as string[] },
  level: { type: 'string', default: 'should' },
  seed: { type: 'string' },
  runs: { type: 'string', default: String(CLIENT_PROPERTY_RUNS) },
  replay: { type: 'string' },
  report: { type: 'string', multiple: true, default: [] as string[] },
  timeout: { type: 'string', default: '30' },
  jobs: { type: 'string', default: '3' },
  nice: { type: 'string' },
  'via-relay': { type: 'string' },
  'allow-skips': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options']

function relayUrlFlag(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--via-relay ${value}: not a URL`)
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) throw new UsageError(`--via-relay ${value}: expected a ws:// or http:// URL`)
  return value
}

/** The run options of a `client` command line (spec §14.2), and where to write reports. */
export function parseClientArgs(argv: readonly string[]): { options: ClientRunOptions; reports: ReportFile[]; list: boolean } {
  const { values, positionals } = parseArgs({ args: [...argv], options: CLIENT_OPTIONS, allowPositionals: true, strict: true })
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  if (values.adapter === undefined || values.adapter.trim() === '') throw new UsageError('--adapter CMD is required')
  if (values.level !== 'must' && values.level !== 'should') throw new UsageError('--level must be must or should')
  const replay = values.replay === undefined ? undefined : parseReplay(values.replay)
  if (values.replay !== undefined && replay === undefined) {
    throw new UsageError(`--replay ${values.replay}: expected <case-id>@<seed>[:<path>]`)
  }
  const timeout = Number(values.timeout)
  if (!(timeout > 0 && timeout <= MAX_TIMEOUT_S)) {
    throw new UsageError(`--timeout must be a number of seconds in (0, ${MAX_TIMEOUT_S}]`)
  }
  const given = values.seed === undefined ? undefined : integerFlag('seed', values.seed, -SEED_RANGE)
  const options: ClientRunOptions = {
    adapter: values.adapter,
    selection: {
      only: values.only.flatMap((g) => g.split(',')),
      skip: values.skip.flatMap((g) => g.split(',')),
      level: values.level as LevelOption,
      ...(replay === undefined ? {} : { replayId: replay.id }),
    },
    seed: replay?.point.seed ?? given ?? randomInt(SEED_RANGE),
    runs: integerFlag('runs', values.runs, 1),
    ...(replay === undefined ? {} : { replay }),
    timeoutMs: Math.round(timeout * 1000),
    jobs: integerFlag('jobs', values.jobs, 1),
    ...(values.nice === undefined ? {} : { adapterNice: integerFlag('nice', values.nice, 1) }),
    ...(values['via-relay'] === undefined ? {} : { viaRelay: relayUrlFlag(values['via-relay']) }),
    allowSkips: values['allow-skips'],
    verbose: values.verbose,
  }
  return { options, reports: values.report.map(reportFile), list: values.list }
}

async function client(argv: readonly string[], io: CliIo): Promise<number> {
  const { options, reports, list } = parseClientArgs(argv)
  if (list) {
    const selected = selectCases(loadClientCases(), options.selection)
    for (const c of selected) io.stdout.write(`${c.id}\t${c.level}\t${c.requirement}\t${c.title}\n`)
    io.stderr.write(`${selected.length} cases\n`)
    return selected.length === 0 ? EXIT.unusable : EXIT.passed
  }
  const progress = (line: string): void => void io.stderr.write(`${line}\n`)
  progress(`pairwire-conformance client: --adapter ${options.adapter}, seed ${options.seed}`)
  const outcome = await runClient({ ...options, progress })
  if (outcome.kind === 'unusable') io.stderr.write(`pairwire-conformance: ${outcome.message}\n`)
  else io.stdout.write(renderTerminal(outcome.report, options.verbose === true))
  try {
    writeReports(outcome.report, reports)
  } catch (error) {
    io.stderr.write(`pairwire-conformance: cannot write a report: ${(error as Error).message}\n`)
    return EXIT.unusable
  }
  return outcome.exitCode
}

/** A usage error still leaves the --report files it named, saying what was wrong (§14.2). */
function writeUsageReports(argv: readonly string[], message: string, io: CliIo): void {
  const url = argv[argv.indexOf('--url') + 1]
  const report = usageReport(url !== undefined && argv.includes('--url') ? url : '', message)
  try {
    writeReports(report, reportFilesOf(argv))
  } catch (error) {
    io.stderr.write(`pairwire-conformance: cannot write a report: ${(error as Error).message}\n`)
  }
}

/** `--profile zaparoo-v1`: the same options, PINs from --pin-command or the local RPC. */
function runZaparoo(options: RunOptions, remote: boolean, progress: (line: string) => void) {
  if (options.pins.kind === 'test-control') throw new UsageError('--test-control is Pairwire 1 only')
  const pins =
    options.pins.kind === 'command'
      ? options.pins
      : remote
        ? ({ kind: 'none' } as const)
        : ({ kind: 'local-rpc' } as const)
  const { cases: _pairwireCases, ...shared } = options
  return runProfile({ ...shared, remote, pins, progress })
}

/** `relay --url URL`: the relay mode (spec §15; conformance/relay/). */
async function relay(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(RELAY_USAGE)
    return EXIT.passed
  }
  let parsed: ReturnType<typeof parseRelayArgs>
  try {
    parsed = parseRelayArgs(argv)
    parsed.reports.forEach(reportFile)
  } catch (error) {
    const code = String((error as { code?: unknown }).code)
    if (!(error instanceof RelayUsageError) && !(error instanceof UsageError) && !code.startsWith('ERR_PARSE_ARGS')) throw error
    io.stderr.write(`pairwire-conformance relay: ${(error as Error).message}\n${RELAY_USAGE}`)
    return EXIT.unusable
  }
  const { options, reports, list, verbose } = parsed
  if (list) {
    const selected = selectRelayCases(loadRelayCases(), options.selection)
    for (const c of selected) io.stdout.write(`${c.id}\t${c.level}\t${c.requirement}\t${c.title}\n`)
    return selected.length === 0 ? EXIT.unusable : EXIT.passed
  }
  const progress = (line: string): void => void io.stderr.write(`${line}\n`)
  progress(`pairwire-conformance relay: ${options.url}, seed ${options.seed}`)
  const outcome = await runRelay({ ...options, progress })
  if (outcome.kind === 'unusable') io.stderr.write(`pairwire-conformance: ${outcome.message}\n`)
  else io.stdout.write(renderTerminal(outcome.report, verbose))
  try {
    writeReports(outcome.report, reports.map(reportFile))
  } catch (error) {
    io.stderr.write(`pairwire-conformance: cannot write a report: ${(error as Error).message}\n`)
    return EXIT.unusable
  }
  return outcome.exitCode
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = process): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'relay') return relay(rest, io)
  try {
    const flags = command === 'server' || command === 'client' ? rest : [command]
    if (flags.includes('--help') || flags.includes('-h')) {
      io.stdout.write(USAGE)
      return EXIT.passed
    }
    if (command === 'client') return await client(rest, io)
    if (command !== 'server') {
      throw new UsageError(command === undefined ? 'missing command' : `unknown command ${command}`)
    }
    return await server(rest, io)
  } catch (error) {
    const code = String((error as { code?: unknown }).code)
    if (!(error instanceof UsageError) && !code.startsWith('ERR_PARSE_ARGS')) throw error
    io.stderr.write(`pairwire-conformance: ${(error as Error).message}\n${USAGE}`)
    writeUsageReports(rest, `command line: ${(error as Error).message}`, io)
    return EXIT.unusable
  }
}

// Run when executed directly, also through npm's bin symlink (hence realpath).
const invokedPath = process.argv[1] === undefined ? '' : realpathSync(process.argv[1])
if (invokedPath === fileURLToPath(import.meta.url)) {
  const code = await runCli(process.argv.slice(2))
  // Exit now: a misbehaving device may hold sockets open; flush stdout first.
  process.stdout.write('', () => process.exit(code))
}
