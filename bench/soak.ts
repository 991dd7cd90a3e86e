/**
 * `npm run soak [-- --wave N --wave-seconds S --redis-cycles N --no-aof]`: the attacks of issue 21
 * in one run, against one reference device on a Redis store configured as spec §13.4 requires
 * (appendonly yes, appendfsync always), while a client keeps pairing. Every pairing answered 200 is acknowledged
 * state. The phases:
 *
 *   1. slowloris  a wave of N sockets that send a partial request head and then trickle bytes;
 *                 the per-IP cap (§10.6) must refuse all but max_connections_per_ip of them
 *   2. redis      SIGSTOP / SIGCONT of redis-server, then kill -9 / restart cycles
 *   3. device     kill -9 of the device, restarted on the same port, state dir and store
 *
 * At the end every acknowledged client makes a signed request; one that is refused was lost.
 * Prints JSON: per phase what was acknowledged, the device's refusal log lines, how long the device
 * took to serve again after the last Redis restart, and `lost` (it must be empty). Exit code 1
 * when anything acknowledged was lost.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect as netConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { METHODS, PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import { pair, signedRequest, type Credentials } from '../reference-client/index.ts'
import { freePort, ROOT } from './processes.ts'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
const START_TIMEOUT_MS = 20_000

async function killHard(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((done) => child.once('exit', done))
  child.kill('SIGKILL')
  await exited
}

/** redis-server with the durability of spec §13.4, restartable on the same port and directory. */
class Redis {
  readonly dir = mkdtempSync(join(tmpdir(), 'pw-soak-redis-'))
  #child: ChildProcess | undefined
  constructor(readonly port: number, readonly durable = true) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '',
      '--dir', this.dir,
      ...(this.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ]
    this.#child = spawn('redis-server', args, { stdio: 'ignore' })
    const deadline = Date.now() + START_TIMEOUT_MS
    while (!(await this.#answers())) {
      if (Date.now() > deadline) throw new Error('redis-server did not start')
      await sleep(20)
    }
  }
  pause(): void {
    this.#child?.kill('SIGSTOP')
  }
  resume(): void {
    this.#child?.kill('SIGCONT')
  }
  kill(): Promise<void> {
    return killHard(this.#child)
  }
  #answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = netConnect(this.port, '127.0.0.1')
      socket.setTimeout(200)
      socket.on('connect', () => socket.write('PING\r\n'))
      socket.on('data', (d) => {
        socket.destroy()
        resolve(d.toString('latin1').startsWith('+PONG'))
      })
      socket.on('error', () => resolve(false))
      socket.on('timeout', () => {
        socket.destroy()
        resolve(false)
      })
    })
  }
}

/** The reference device, killable with -9 and restarted with the same port, state and store. */
class Device {
  readonly stateDir = mkdtempSync(join(tmpdir(), 'pw-soak-device-'))
  #child: ChildProcess | undefined
  /** Device log lines by event name, over all its runs. */
  readonly events = new Map<string, number>()
  constructor(readonly port: number, readonly store: string) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }
  async start(): Promise<void> {
    const cli = join(ROOT, 'reference-server/cli.ts')
    const args = ['--import', 'tsx', cli, '--port', String(this.port),
      '--store', this.store, '--state-dir', this.stateDir, '--test-hooks',
      '--rate-ip-per-minute', '100000000', '--max-concurrent-pairings', '1000']
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child = child
    createInterface({ input: child.stderr! }).on('line', (line) => {
      try {
        const event = (JSON.parse(line) as { event?: string }).event ?? '?'
        this.events.set(event, (this.events.get(event) ?? 0) + 1)
      } catch {
        this.events.set('(not json)', (this.events.get('(not json)') ?? 0) + 1)
      }
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('device did not start')), START_TIMEOUT_MS)
      child.once('exit', (code) => reject(new Error(`device exited with ${code}`)))
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if ((JSON.parse(line) as { event?: string }).event !== 'listening') return
        clearTimeout(timer)
        resolve()
      })
    })
  }
  kill(): Promise<void> {
    return killHard(this.#child)
  }
}

interface Ledger {
  readonly acknowledged: Credentials[]
  attempts: number
  refused: number
}

/** One pairing; recorded only when the device answered pair/finish 200 (pair() resolved). */
async function pairOnce(url: string, ledger: Ledger, phase: string): Promise<void> {
  ledger.attempts++
  try {
    const res = await fetch(url + PATHS.testPin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: PROTOCOL_VERSION }),
      signal: AbortSignal.timeout(3_000),
    })
    if (!res.ok) throw new Error(`test pin ${res.status}`)
    const { pin } = (await res.json()) as { pin: string }
    ledger.acknowledged.push(await pair({ url, pin, name: `soak ${phase}` }))
  } catch {
    ledger.refused++
  }
}

/** Pairs in a loop until `stop` resolves; returns how many were acknowledged during it. */
async function pairWhile(url: string, ledger: Ledger, phase: string, stop: Promise<unknown>) {
  let done = false
  void stop.then(() => (done = true))
  const before = ledger.acknowledged.length
  while (!done) {
    await pairOnce(url, ledger, phase)
    await sleep(50)
  }
  return ledger.acknowledged.length - before
}

/** Slowloris: `count` sockets with a partial head, a byte every second for `ms`. */
async function slowloris(url: string, count: number, ms: number) {
  const { hostname, port } = new URL(url)
  const sockets: Socket[] = []
  let cutEarly = 0
  for (let i = 0; i < count; i++) {
    const socket = netConnect(Number(port), hostname)
    socket.on('error', () => {})
    socket.once('close', () => cutEarly++)
    socket.on('connect', () => socket.write(`GET ${PATHS.discovery} HTTP/1.1\r\nHost: x\r\n`))
    sockets.push(socket)
    if (i % 200 === 199) await sleep(10)
  }
  const started = Date.now()
  while (Date.now() - started < ms) {
    await sleep(1_000)
    for (const s of sockets) if (!s.destroyed) s.write('X-a: b\r\n')
  }
  const heldToEnd = sockets.filter((s) => !s.destroyed).length
  const refused = cutEarly
  for (const s of sockets) s.destroy()
  return { sockets: count, refused_or_cut: refused, held_to_end: heldToEnd }
}

/** Until a signed request succeeds; the milliseconds it took, or null after `timeoutMs`. */
async function servesAgain(credentials: Credentials, timeoutMs: number): Promise<number | null> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    try {
      await signedRequest(credentials, METHODS.echo, { n: 1 })
      return Date.now() - started
    } catch {
      await sleep(100)
    }
  }
  return null
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      wave: { type: 'string', default: '3000' },
      'wave-seconds': { type: 'string', default: '8' },
      'redis-cycles': { type: 'string', default: '3' },
      // Shows the soak detects a loss: Redis without an append-only file (spec §13.4).
      'no-aof': { type: 'boolean', default: false },
    },
  })
  const redis = new Redis(await freePort(), !values['no-aof'])
  await redis.start()
  const durability = values['no-aof'] ? 'warn' : 'require'
  const device = new Device(await freePort(), `${redis.url}?durability=${durability}`)
  const ledger: Ledger = { acknowledged: [], attempts: 0, refused: 0 }
  const report: Record<string, unknown> = {}
  try {
    await device.start()
    for (let i = 0; i < 3; i++) await pairOnce(device.url, ledger, 'baseline')
    report['baseline'] = { acknowledged: ledger.acknowledged.length }

    // 1. Slowloris wave, pairing meanwhile.
    const refusalsBefore = device.events.get('connection.refused') ?? 0
    const wave = slowloris(device.url, Number(values.wave), 1000 * Number(values['wave-seconds']))
    const duringWave = await pairWhile(device.url, ledger, 'slowloris', wave)
    const serves = await servesAgain(ledger.acknowledged[0]!, 10_000)
    report['slowloris'] = {
      ...(await wave),
      acknowledged_during: duringWave,
      refusal_log_lines: (device.events.get('connection.refused') ?? 0) - refusalsBefore,
      serves_after_ms: serves,
    }

    // 2. Redis outage: pause / resume, then kill -9 / restart cycles, pairing meanwhile.
    const outage = (async () => {
      redis.pause()
      await sleep(3_000)
      redis.resume()
      await sleep(1_000)
      for (let i = 0; i < Number(values['redis-cycles']); i++) {
        await redis.kill()
        await sleep(500)
        await redis.start()
        await sleep(500)
      }
    })()
    const duringOutage = await pairWhile(device.url, ledger, 'redis-outage', outage)
    const recovery = await servesAgain(ledger.acknowledged[0]!, 30_000)
    report['redis_outage'] = {
      acknowledged_during: duringOutage,
      serves_after_last_restart_ms: recovery,
    }

    // 3. kill -9 of the device, pairing until the kill; restarted on the same state and store.
    const kill = (async () => {
      await sleep(1_500)
      await device.kill()
    })()
    const beforeKill = await pairWhile(device.url, ledger, 'device-kill', kill)
    await device.start()
    report['device_kill'] = { acknowledged_before_kill: beforeKill }

    // Every acknowledged pairing must still work.
    const lost: { client_id: string; error: string }[] = []
    for (const credentials of ledger.acknowledged) {
      try {
        await signedRequest(credentials, METHODS.echo, { n: 1 })
      } catch (e) {
        lost.push({ client_id: credentials.client_id, error: String((e as Error).message) })
      }
    }
    report['pairings'] = {
      attempted: ledger.attempts,
      acknowledged: ledger.acknowledged.length,
      not_acknowledged: ledger.refused,
    }
    report['device_log_events'] = Object.fromEntries(device.events)
    report['lost_count'] = lost.length
    report['lost'] = lost
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    return lost.length === 0 ? 0 : 1
  } finally {
    await device.kill()
    await redis.kill()
    rmSync(device.stateDir, { recursive: true, force: true })
    rmSync(redis.dir, { recursive: true, force: true })
  }
}

process.exitCode = await main()
