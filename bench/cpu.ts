/**
 * CPU time per JSON-RPC echo on each side, for the plain ws echo, the wss + bearer baseline and a
 * Pairwire session: user + system time of the load generator (client) and of the server process
 * over a fixed window, divided by the echoes completed. Unlike the rates of `npm run bench`,
 * these figures hardly move when other processes share the machine, so they show what a change
 * to the hot path saves even on a busy machine (the rates decide the targets).
 *
 *   npx tsx bench/cpu.ts [--reps N] [--seconds S]     (compiled: node dist/bench/cpu.js)
 *
 * Scenarios: 256 B with 1 in flight (latency) and 1 KiB with 1000 in flight (throughput).
 * Prints medians of the repetitions. Server CPU comes from /proc in 10 ms ticks (processes.ts),
 * so the window is a few seconds.
 */
import { parseArgs } from 'node:util'
import { connect } from '../reference-client/index.ts'
import { METHODS } from '../protocol/registry.ts'
import { closedLoop, echoParams, pairWith, PlainRpc, tlsOf } from './load.ts'
import { median, printTable } from './measure.ts'
import { startServer, type Child } from './processes.ts'

type Kind = 'plain' | 'wss' | 'pairwire'

interface Echoer {
  request(method: string, params: { data: string }): Promise<unknown>
  close(): Promise<unknown>
}

async function open(kind: Kind, server: Child): Promise<Echoer> {
  if (kind === 'plain') return PlainRpc.open(server.url)
  if (kind === 'wss') return PlainRpc.open(server.url, tlsOf(server))
  return connect(await pairWith(server.url, 'bench-cpu'))
}

const SERVER = { plain: 'ws-echo', wss: 'wss-echo', pairwire: 'pairwire' } as const

/** Client and server CPU µs per echo, and echoes per second, over `seconds`. */
async function once(kind: Kind, inFlight: number, bytes: number, seconds: number) {
  const server = await startServer(SERVER[kind])
  try {
    const echoer = await open(kind, server)
    const params = echoParams(bytes)
    let count = 0
    const echo = () => echoer.request(METHODS.echo, params)
    await closedLoop(echo, inFlight, { warmupMs: 0, durationMs: 1000 })
    const client0 = process.cpuUsage()
    const server0 = server.cpuMs()
    const rate = await closedLoop(() => (count++, echo()), inFlight, {
      warmupMs: 0,
      durationMs: seconds * 1000,
    })
    const client = process.cpuUsage(client0)
    const serverMs = server.cpuMs() - server0
    await echoer.close()
    return { client: (client.user + client.system) / count, server: (serverMs * 1000) / count, rate }
  } finally {
    await server.stop()
  }
}

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '3' }, seconds: { type: 'string', default: '4' } },
})
const reps = Number(values.reps)
const seconds = Number(values.seconds)
const rows: string[][] = []
for (const [name, inFlight, bytes] of [['echo 256 B, 1 in flight', 1, 256],
  ['echo 1 KiB, 1000 in flight', 1000, 1024]] as const) {
  const figures: Record<Kind, { client: number[]; server: number[]; rate: number[] }> = {
    plain: { client: [], server: [], rate: [] },
    wss: { client: [], server: [], rate: [] },
    pairwire: { client: [], server: [], rate: [] },
  }
  // Interleaved, so that a change in the machine's load falls on all three alike.
  for (let i = 0; i < reps; i++) {
    for (const kind of ['plain', 'wss', 'pairwire'] as const) {
      const { client, server, rate } = await once(kind, inFlight, bytes, seconds)
      figures[kind].client.push(client)
      figures[kind].server.push(server)
      figures[kind].rate.push(rate)
    }
  }
  for (const kind of ['plain', 'wss', 'pairwire'] as const) {
    const f = figures[kind]
    rows.push([name, kind, median(f.client).toFixed(1), median(f.server).toFixed(1),
      median(f.rate).toFixed(0)])
  }
}
printTable(['scenario', 'kind', 'client µs/echo', 'server µs/echo', 'echo/s'], rows)
