/**
 * The processes a benchmark talks to: the reference device (pairwire-server with the test
 * interface and rate limits out of the way), the plain baselines of bench/baselines/, and
 * redis-server. Each runs in its own process so the load generator never shares its CPU, and each
 * reports the URL it listens on as the first JSON line on stdout. CPU time and RSS of a child are
 * read from /proc (Linux) or ps.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundleOf } from '../conformance/reference-bundles.ts'

/**
 * Compiled (dist/bench/processes.js, as run.ts runs the bench), the servers are the compiled
 * JavaScript that pairwire-server ships; from source (as --quick runs) they are esbuild bundles
 * of the TypeScript files (runArgs).
 */
const COMPILED = import.meta.url.endsWith('.js')
/** The tree that holds bench/, reference-server/...: dist/ compiled, the repository otherwise. */
const TREE = fileURLToPath(new URL('..', import.meta.url))
/** The repository: the working directory of every process, and where results go. */
export const ROOT = COMPILED ? join(TREE, '..') : TREE
const START_TIMEOUT_MS = 20_000
const GC_SETTLE_MS = 300

export interface Child {
  readonly url: string
  /** The TLS baseline's certificate (PEM), the client's trust anchor; null for the others. */
  readonly ca: string | null
  /** The TLS baseline's bearer token; null for the others. */
  readonly token: string | null
  readonly pid: number
  /** User + system CPU time of the process so far, in milliseconds. */
  cpuMs(): number
  /** Resident set size of the process after a full garbage collection, in bytes. */
  rssBytes(): Promise<number>
  stop(): Promise<void>
}

// No rate limit, in-flight cap or concurrent-pairing cap gets in the way of a benchmark.
const UNLIMITED = [
  ['--rate-ip-per-minute', '100000000'],
  ['--rate-client-per-minute', '100000000'],
  ['--max-inflight-bytes', '1000000000'],
  ['--max-concurrent-pairings', '1000000'],
  // The memory and scaling scenarios hold 10,000 sessions from one loopback address.
  ['--max-connections-per-ip', '1000000'],
].flat()

export type ServerKind = 'pairwire' | 'ws-echo' | 'http-echo' | 'wss-echo'

const SCRIPTS: Record<ServerKind, string> = {
  pairwire: 'reference-server/cli',
  'ws-echo': 'bench/baselines/ws-echo',
  'http-echo': 'bench/baselines/http-echo',
  'wss-echo': 'bench/baselines/wss-echo',
}

/**
 * Node's arguments to run `script` (a path without extension under TREE): the compiled files, or
 * from source the esbuild bundles of the sources (conformance/reference-bundles.ts), which start
 * in a tenth of tsx's CPU (--quick starts dozens of servers).
 */
function runArgs(script: string): string[] {
  const file = (name: string) => (COMPILED ? join(TREE, name + '.js') : bundleOf(name + '.ts'))
  return ['--import', pathToFileURL(file('bench/gc-on-signal')).href, file(script)]
}

/**
 * Starts one server process; `store` and `extra` (more pairwire-server flags, e.g. --fault NAME)
 * apply to pairwire only (memory | redis://…).
 */
export async function startServer(
  kind: ServerKind,
  store = 'memory',
  extra: readonly string[] = [],
): Promise<Child> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pairwire-bench-'))
  // BENCH_NODE_ARGS adds flags to every server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? []
  const args = [...nodeArgs, '--expose-gc', ...runArgs(SCRIPTS[kind])]
  if (kind === 'pairwire') {
    args.push('--port', '0', '--store', store, '--state-dir', stateDir, '--test-hooks')
    args.push(...UNLIMITED, ...extra)
  }
  const token = kind === 'wss-echo' ? randomBytes(32).toString('base64url') : null
  const env = token === null ? process.env : { ...process.env, BENCH_BEARER_TOKEN: token }
  // The device logs every request on stderr; nobody reads it during a benchmark.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    const { url, ca } = await firstUrl(child)
    return {
      url,
      ca,
      token,
      pid: child.pid!,
      cpuMs: () => cpuMsOf(child.pid!),
      rssBytes: async () => {
        child.kill('SIGUSR2')
        await new Promise((done) => setTimeout(done, GC_SETTLE_MS))
        return rssOf(child.pid!)
      },
      stop: async () => {
        await stopChild(child)
        rmSync(stateDir, { recursive: true, force: true })
      },
    }
  } catch (e) {
    await stopChild(child)
    rmSync(stateDir, { recursive: true, force: true })
    throw e
  }
}

function firstUrl(child: ChildProcess): Promise<{ url: string; ca: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), START_TIMEOUT_MS)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string; ca?: string }
      if (event.event !== 'listening' || event.url === undefined) return
      clearTimeout(timer)
      resolve({ url: event.url, ca: event.ca ?? null })
    })
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

const CLOCK_TICKS_PER_SECOND = 100

function cpuMsOf(pid: number): number {
  try {
    // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, after the ")" of comm.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
  } catch {
    const time = spawnSync('ps', ['-o', 'time=', '-p', String(pid)], { encoding: 'utf8' }).stdout
    const parts = time.trim().split(/[:-]/).map(Number)
    return parts.reduce((sum, part) => sum * 60 + part, 0) * 1000
  }
}

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
  } catch {
    const rss = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout
    return Number(rss.trim()) * 1024
  }
}

/** A port free on loopback now (the soak script restarts processes on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => {
      socket.destroy()
      resolve(data.toString('latin1').startsWith('+PONG'))
    })
    socket.on('error', () => resolve(false))
  })
}

/** redis-server without persistence on a free loopback port, or null when it is not installed. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> } | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child = spawn('redis-server', args, { stdio: 'ignore' })
  const deadline = Date.now() + START_TIMEOUT_MS
  while (!(await answersPing(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopChild(child)
      return null
    }
    await new Promise((done) => setTimeout(done, 20))
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) }
}
