/**
 * Runs a client adapter (spec §12.3) once: `--adapter CMD` is a shell command line (e.g.
 * `python3 vectors/examples/python/client_adapter.py`), run by /bin/sh with the subcommand and
 * its arguments appended as separate words, so no argument is ever re-parsed by the shell. Every
 * run has a time limit; the exit code, stdout and stderr (and their JSON objects) are kept.
 */
import { spawn } from 'node:child_process'

export interface AdapterRun {
  readonly args: readonly string[]
  /** null when the adapter was killed (time limit) or could not be started. */
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  /** The one JSON object of stdout / stderr (§12.3), when there is one. */
  readonly stdoutJson?: unknown
  readonly stderrJson?: unknown
  readonly timedOut: boolean
  /** The shell could not run the command at all (spawn error, 126 or 127). */
  readonly unrunnable?: string
  readonly durationMs: number
}

export interface Adapter {
  readonly command: string
  run(args: readonly string[]): Promise<AdapterRun>
}

// Output beyond this is not an adapter's one JSON object; keep the report small.
const MAX_OUTPUT = 256 * 1024

function jsonOf(text: string): unknown {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  try {
    return JSON.parse(trimmed)
  } catch {
    // Some adapters log before their object; the object is then the last line.
    const last = trimmed.split('\n').at(-1) ?? ''
    try {
      return JSON.parse(last)
    } catch {
      return undefined
    }
  }
}

/**
 * The adapter of `command`, each run limited to `timeoutMs`, with `env` added; with `nice`, the
 * adapter runs at that lower CPU priority (nice(1)), so that a server-mode run sharing the
 * machine (npm run conformance runs both modes at once) keeps its timing.
 */
export function shellAdapter(command: string, timeoutMs: number, env: Readonly<Record<string, string>> = {}, nice?: number): Adapter {
  return {
    command,
    run: (args) =>
      new Promise((resolve) => {
        const started = Date.now()
        const shell = ['/bin/sh', '-c', `${command} "$@"`, 'pairwire-adapter', ...args]
        const argv = nice === undefined ? shell : ['nice', '-n', String(nice), ...shell]
        const child = spawn(argv[0]!, argv.slice(1), {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ...env },
          detached: true,
        })
        let stdout = ''
        let stderr = ''
        let timedOut = false
        child.stdout.on('data', (chunk: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8')
        })
        child.stderr.on('data', (chunk: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8')
        })
        const timer = setTimeout(() => {
          timedOut = true
          try {
            // The whole process group: the shell and the adapter it started.
            process.kill(-child.pid!, 'SIGKILL')
          } catch {
            child.kill('SIGKILL')
          }
        }, timeoutMs)
        const finish = (exitCode: number | null, unrunnable?: string): void => {
          clearTimeout(timer)
          const stdoutJson = jsonOf(stdout)
          const stderrJson = jsonOf(stderr)
          resolve({
            args,
            exitCode,
            stdout,
            stderr,
            ...(stdoutJson === undefined ? {} : { stdoutJson }),
            ...(stderrJson === undefined ? {} : { stderrJson }),
            timedOut,
            ...(unrunnable === undefined ? {} : { unrunnable }),
            durationMs: Date.now() - started,
          })
        }
        child.once('error', (error) => finish(null, error.message))
        child.once('close', (code) => {
          // POSIX sh: 126 found but not executable, 127 not found.
          if (code === 126 || code === 127) return finish(code, `the shell could not run it (exit ${code}): ${stderr.trim().slice(0, 200)}`)
          finish(timedOut ? null : code)
        })
      }),
  }
}

/** What a report shows of a run: never the PIN (it is an argument of pair). */
export function describeRun(run: AdapterRun, pin?: string): Record<string, unknown> {
  const hide = (text: string) => (pin === undefined ? text : text.split(pin).join('<pin>'))
  return {
    args: run.args.map(hide).join(' '),
    exit: run.timedOut ? 'killed after the time limit' : run.exitCode,
    ...(run.stdoutJson === undefined ? (run.stdout === '' ? {} : { stdout: hide(run.stdout.slice(0, 500)) }) : { stdout: run.stdoutJson }),
    ...(run.stderrJson === undefined ? (run.stderr === '' ? {} : { stderr: hide(run.stderr.slice(0, 500)) }) : { stderr: run.stderrJson }),
    ms: run.durationMs,
  }
}
