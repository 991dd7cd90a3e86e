/**
 * README.md as typed (issue 19 point 3): its ```sh blocks, each preceded by a directive that says
 * whether a test runs it,
 *
 *   <!-- readme-test: run SESSION -->     run by the test of that session, in order
 *   <!-- readme-test: skip REASON -->     not run, and why (what else checks it)
 *
 * and the runner that types them into a fresh clone of the repository's HEAD. What differs from
 * a newcomer's terminal is listed in SUBSTITUTIONS and nowhere else: the README's fixed port and
 * placeholders become a free port and the values the earlier commands printed, and `npm ci` is a
 * symlink to the repository's node_modules (a fresh install costs minutes and the network; the
 * install itself is what .ci/run does first).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { run, start, type Finished, type Running } from './processes.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface Block {
  /** Line of the opening fence in README.md. */
  readonly line: number
  readonly directive: { readonly kind: 'run'; readonly session: string } | { readonly kind: 'skip'; readonly reason: string } | null
  /** Shell commands: continuation lines joined, comments dropped. */
  readonly commands: readonly string[]
}

const DIRECTIVE = /^<!-- readme-test: (run|skip) (.+?) -->$/

/** The text of `line` without a trailing # comment (outside quotes). */
function withoutComment(line: string): string {
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote !== null) {
      if (c === quote) quote = null
    } else if (c === "'" || c === '"') quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd()
  }
  return line.trimEnd()
}

export function readmeBlocks(text: string): Block[] {
  const lines = text.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue
    let previous = i - 1
    while (previous >= 0 && lines[previous]!.trim() === '') previous--
    const match = previous >= 0 ? DIRECTIVE.exec(lines[previous]!.trim()) : null
    const directive =
      match === null ? null : match[1] === 'run' ? { kind: 'run' as const, session: match[2]! } : { kind: 'skip' as const, reason: match[2]! }
    const commands: string[] = []
    let pending = ''
    let j = i + 1
    for (; j < lines.length && lines[j] !== '```'; j++) {
      const code = withoutComment(lines[j]!)
      if (code.trim() === '' && pending === '') continue
      if (code.endsWith('\\')) {
        pending += code.slice(0, -1).trim() + ' '
        continue
      }
      commands.push((pending + code.trim()).trim())
      pending = ''
    }
    blocks.push({ line: i + 1, directive, commands })
    i = j
  }
  return blocks
}

export const README_BLOCKS = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'))

/**
 * The judge run's extra options (README "Judge your own device"), see SUBSTITUTIONS. The
 * quick start's `npm run conformance` runs every property case at its default runs against the
 * reference device; this run proves the README's command and its three reports at the default
 * limits, where a property case's examples are paced by the device's rate limits.
 */
export const JUDGE_EXTRA = ['--runs', '5', '--timeout', '15'] as const

/** What the test types instead of what the README says, and why; applied in this order. */
export const SUBSTITUTIONS: readonly { readonly what: string; readonly why: string }[] = [
  { what: '`npm ci && ` is dropped', why: 'the clone links the repository\'s node_modules (installed by `npm ci`, as .ci/run does first)' },
  { what: '`npm test` is not run', why: 'it is the suite this test runs in' },
  { what: 'port 8080 becomes a free port', why: 'tests run side by side on one machine' },
  { what: '<PIN> becomes the PIN `npm start` printed', why: 'the README says to read it there' },
  { what: '<client_id> becomes the id `pair` printed', why: 'the README says to take it from there' },
  {
    what: `the judge run (dist/conformance/cli.js server) gets ${JUDGE_EXTRA.join(' ')}`,
    why:
      'at the default limits every example of a property case waits on the rate limits, so 100 runs each took most of the test\'s ' +
      'time; the quick start runs every property case at 100 runs against the same device code. The step timeout grows from 5 s to ' +
      '15 s: the test shares the machine with the rest of the suite (a slow answer is not what this run judges)',
  },
]

export interface Typed {
  readonly command: string
  readonly typed: string | null
  readonly result: Finished | null
}

/**
 * A fresh clone and the state its commands leave for the next ones: the background device, the
 * PIN and client_id printed so far.
 */
export class Clone {
  readonly dir: string
  readonly config: string
  readonly env: NodeJS.ProcessEnv
  private background: Running | null = null
  private pin: string | null = null
  private clientId: string | null = null

  private constructor(private readonly temp: string, private readonly port: number) {
    this.dir = join(temp, 'clone')
    this.config = join(temp, 'config')
    // A newcomer's shell: none of the test runner's or coverage tool's variables, a per-user
    // config directory of its own.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(TAP|NODE_OPTIONS|NODE_V8_COVERAGE|C8|_TAPJS|PAIRWIRE_)/.test(name)),
    )
    this.env = { ...env, XDG_CONFIG_HOME: this.config }
  }

  static create(port: number): Clone {
    const temp = mkdtempSync(join(tmpdir(), 'pairwire-readme-'))
    const clone = new Clone(temp, port)
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone.dir])
    symlinkSync(join(ROOT, 'node_modules'), join(clone.dir, 'node_modules'))
    return clone
  }

  /** The command as typed here, or null when SUBSTITUTIONS says it is not run. */
  private substitute(command: string): string | null {
    if (command === 'npm test') return null
    let typed = command.replace(/^npm ci && /, '')
    typed = typed.replaceAll('127.0.0.1:8080', `127.0.0.1:${this.port}`).replaceAll('--port 8080', `--port ${this.port}`)
    if (typed === 'npm start') typed = `npm start -- --port ${this.port}`
    if (typed.startsWith('node dist/conformance/cli.js server ')) typed = `${typed} ${JUDGE_EXTRA.join(' ')}`
    if (typed.includes('<PIN>')) {
      if (this.pin === null) throw new Error(`${command}: no PIN was printed before`)
      typed = typed.replaceAll('<PIN>', this.pin)
    }
    if (typed.includes('<client_id>')) {
      if (this.clientId === null) throw new Error(`${command}: no client_id was printed before`)
      typed = typed.replaceAll('<client_id>', this.clientId)
    }
    return typed
  }

  private static longRunning(typed: string): boolean {
    return typed.startsWith('npm start') || /^node dist\/reference-server\/cli\.js --/.test(typed)
  }

  /** Types one command; a device is left running until the next one starts. */
  async type(command: string): Promise<Typed> {
    const typed = this.substitute(command)
    if (typed === null) return { command, typed, result: null }
    if (Clone.longRunning(typed)) {
      await this.stopBackground()
      const device = start('bash', ['-c', `exec ${typed}`], { cwd: this.dir, env: this.env })
      this.background = device
      await device.waitFor(/"event":"listening"/, 120_000)
      if (typed.startsWith('npm start')) this.pin = (await device.waitFor(/"pin":"(\d{6})"/, 10_000))[1]!
      return { command, typed, result: { code: 0, stdout: device.output.join('\n'), stderr: '' } }
    }
    const result = await run('bash', ['-c', typed], { cwd: this.dir, env: this.env })
    this.clientId = /"client_id":"([^"]+)"/.exec(result.stdout)?.[1] ?? this.clientId
    this.pin = /"pin":"(\d{6})"/.exec(result.stdout)?.[1] ?? this.pin
    return { command, typed, result }
  }

  async stopBackground(): Promise<void> {
    await this.background?.stop()
    this.background = null
  }

  /** Files git does not ignore that the commands created or changed. */
  gitStatus(): string {
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: this.dir, encoding: 'utf8' })
  }

  /** Every credentials-like file in the clone (node_modules is a link and not followed). */
  secretsInClone(): string[] {
    const out = execFileSync('find', [this.dir, '-path', join(this.dir, 'node_modules'), '-prune', '-o', '-name', '*credentials*.json', '-print'], {
      encoding: 'utf8',
    })
    return out.split('\n').filter((line) => line !== '')
  }

  credentialsFile(): string | null {
    const file = join(this.config, 'pairwire', 'credentials.json')
    return existsSync(file) ? file : null
  }

  async remove(): Promise<void> {
    await this.stopBackground()
    rmSync(this.temp, { recursive: true, force: true })
  }
}
