/**
 * `npm run bench` relay scenarios (spec §15): the same Pairwire session echo through the
 * reference relay and directly, against one device process that holds a slot at a relay
 * process, so the ratio (relayed ÷ direct) is what the relay hop costs: two more WebSocket hops,
 * one stream frame header and the relay's copy of every frame.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { bundleOf } from '../conformance/reference-bundles.ts'
import { METHODS, PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import { connect, pair } from '../reference-client/index.ts'
import { relayTransport } from '../reference-client/relay.ts'
import { closedLoop, echoParams } from './load.ts'
import { startServer } from './processes.ts'
import type { Figures, Settings } from './scenarios.ts'

const COMPILED = import.meta.url.endsWith('.js')
const TREE = fileURLToPath(new URL('..', import.meta.url))

/** The reference relay in its own process; resolves with its ws:// URL. */
async function startRelayProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  // From source, the bundle of the relay's sources (no tsx start-up; bench/processes.ts's runArgs).
  const script = COMPILED ? join(TREE, 'reference-relay', 'cli.js') : bundleOf('reference-relay/cli.ts')
  const args = [script, '--port', '0', '--max-connections-per-ip', '100000']
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string }
      if (event.event === 'listening' && event.url !== undefined) resolve(event.url)
    })
  })
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((done) => child.once('exit', done))
      child.kill('SIGTERM')
      await exited
    },
  }
}

async function testPin(url: string): Promise<string> {
  const response = await fetch(url + PATHS.testPin, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: PROTOCOL_VERSION }),
  })
  return ((await response.json()) as { pin: string }).pin
}

interface RelayFigures {
  readonly pipelined: Figures
  readonly oneInFlight: Figures
}

/**
 * One device and one relay per repetition, both figures taken on them: starting the two
 * processes costs more than measuring (--quick must stay under its 90 s budget).
 */
async function measureBoth(bytes: number, s: Settings): Promise<RelayFigures> {
  const params = echoParams(bytes)
  const relay = await startRelayProcess()
  try {
    const device = await startServer('pairwire', 'memory', ['--relay', relay.url])
    try {
      const credentials = await pair({ url: device.url, pin: await testPin(device.url), name: 'bench' })
      const transport = relayTransport(relay.url, credentials.device_id)
      const relayed = { fetch: transport.fetch, socketFactory: transport.socketFactory }
      const rate = async (inFlight: number, options: Parameters<typeof connect>[1], url: string) => {
        const session = await connect({ ...credentials, url }, options)
        const echo = async () => {
          if ((await session.request(METHODS.echo, params)) === undefined) throw new Error('no answer')
        }
        const measured = await closedLoop(echo, inFlight, s)
        await session.close()
        return measured
      }
      try {
        return {
          // The baseline is the direct session; no wss figure: the relay hop is compared with itself.
          pipelined: { baseline: await rate(1000, {}, device.url), pairwire: await rate(1000, relayed, transport.origin), wss: null },
          oneInFlight: { baseline: await rate(1, {}, device.url), pairwire: await rate(1, relayed, transport.origin), wss: null },
        }
      } finally {
        await transport.close()
      }
    } finally {
      await device.stop()
    }
  } finally {
    await relay.stop()
  }
}

/** One-in-flight figures taken by the pipelined scenario's repetitions, for the next scenario. */
const pendingOneInFlight: Figures[] = []

/** Session echo of 1 KiB through the relay ÷ direct, 1000 in flight. */
export async function relayPipelined(s: Settings): Promise<Figures> {
  const both = await measureBoth(1024, s)
  pendingOneInFlight.push(both.oneInFlight)
  return both.pipelined
}

/** The same with one request in flight; reuses the pipelined scenario's repetitions when it ran. */
export async function relayOneInFlight(s: Settings): Promise<Figures> {
  return pendingOneInFlight.shift() ?? (await measureBoth(1024, s)).oneInFlight
}
