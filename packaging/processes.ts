/**
 * Child processes for the packaging tests: a command run to its end, and a long-running one (a
 * device) whose output lines are watched for the one a test waits for. Every child is started in
 * its own process group, so stopping it stops what its shell started too.
 */
import { spawn, type SpawnOptions } from 'node:child_process'
import { PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'

export interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface Running {
  /** Every line printed so far, stdout and stderr interleaved. */
  readonly output: string[]
  /** Resolves with the first line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  stop(): Promise<void>
}

export function start(command: string, args: readonly string[], options: SpawnOptions = {}): Running {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = []
  let exited = false
  const onLine = (line: string) => {
    output.push(line)
    for (const waiter of [...waiters]) {
      const match = line.match(waiter.pattern)
      if (match !== null) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(match)
      }
    }
  }
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = ''
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n')
      rest = lines.pop()!
      lines.forEach(onLine)
    })
  }
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  child.once('exit', () => (exited = true))
  return {
    output,
    waitFor(pattern, timeoutMs = 60_000) {
      for (const line of output) {
        const match = line.match(pattern)
        if (match !== null) return Promise.resolve(match)
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output.join('\n')}`))
        }, timeoutMs)
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) })
      })
    },
    async stop() {
      if (!exited) {
        try {
          process.kill(-child.pid!, 'SIGTERM')
        } catch {
          // already gone
        }
        const killer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL')
          } catch {
            // already gone
          }
        }, 5000)
        await closed
        clearTimeout(killer)
      }
    },
  }
}

/** Opens a pairing window on a device started with --test-hooks (spec §12.2); its PIN. */
export async function testPin(url: string): Promise<string> {
  const response = await fetch(url + PATHS.testPin, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: PROTOCOL_VERSION }),
  })
  if (!response.ok) throw new Error(`test/pin answered ${response.status}`)
  return ((await response.json()) as { pin: string }).pin
}
