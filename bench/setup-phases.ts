/**
 * Where the time of a new connection goes (issue 17 point 3): sequential connection set-ups, one
 * at a time as in `npm run bench`'s connection-setup scenario, cut into cumulative steps, so that
 * the difference between two rows is the cost of the step that the second adds. Each row is
 * wall-clock ms per set-up, and the client's and the server's CPU ms per set-up.
 *
 *   npm run bench:setup [-- --reps N] [--seconds S]     (compiled: node dist/bench/setup-phases.js)
 *
 * Pairwire: the signed ticket request alone (spec §6), then ticket + upgrade + Noise handshake +
 * close (spec §7.2 - §7.4, §7.9), then the same with the first echo, then both again with a signed
 * upgrade in place of the ticket (spec §7.2, no ticket request). wss + bearer: TLS 1.3 +
 * upgrade + close, then with the first echo. A last row times the Noise NNpsk0 handshake of both
 * sides in this process (node backend, no I/O). Repetitions are interleaved; medians printed.
 */
import { parseArgs } from 'node:util'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { HandshakeState } from '../protocol/noise/index.ts'
import { METHODS } from '../protocol/registry.ts'
import { connect, requestTicket, type Credentials } from '../reference-client/index.ts'
import { closedLoop, echoParams, pairWith, PlainRpc, tlsOf } from './load.ts'
import { median, printTable } from './measure.ts'
import { startServer, type Child } from './processes.ts'

interface Step {
  readonly kind: 'pairwire' | 'wss'
  readonly name: string
  /** One set-up; `state` is what the kind's preparation returned. */
  readonly run: (server: Child, state: Credentials | null) => Promise<void>
}

const params = echoParams(64)
const SIGNED = { upgrade: 'signed' } as const

const STEPS: readonly Step[] = [
  { kind: 'wss', name: 'TLS 1.3 + upgrade + close', run: async (server) => {
    await (await PlainRpc.open(server.url, tlsOf(server))).close()
  } },
  { kind: 'wss', name: 'TLS 1.3 + upgrade + echo + close', run: async (server) => {
    const rpc = await PlainRpc.open(server.url, tlsOf(server))
    await rpc.request(METHODS.echo, params)
    await rpc.close()
  } },
  { kind: 'pairwire', name: 'signed ticket request', run: async (_server, credentials) => {
    await requestTicket(credentials!)
  } },
  { kind: 'pairwire', name: 'ticket + upgrade + Noise + close', run: async (_server, credentials) => {
    await (await connect(credentials!)).close()
  } },
  { kind: 'pairwire', name: 'ticket + upgrade + Noise + echo + close', run: async (_server, credentials) => {
    const session = await connect(credentials!)
    await session.request(METHODS.echo, params)
    await session.close()
  } },
  { kind: 'pairwire', name: 'signed upgrade + Noise + close', run: async (_server, credentials) => {
    await (await connect(credentials!, SIGNED)).close()
  } },
  { kind: 'pairwire', name: 'signed upgrade + Noise + echo + close', run: async (_server, credentials) => {
    const session = await connect(credentials!, SIGNED)
    await session.request(METHODS.echo, params)
    await session.close()
  } },
]

/** Wall ms, client CPU ms and server CPU ms per set-up of `step`, over `seconds`. */
async function once(step: Step, seconds: number) {
  const server = await startServer(step.kind === 'wss' ? 'wss-echo' : 'pairwire')
  try {
    const state = step.kind === 'pairwire' ? await pairWith(server.url, 'bench-setup') : null
    const op = () => step.run(server, state)
    await closedLoop(op, 1, { warmupMs: 0, durationMs: 1000 })
    let count = 0
    const client0 = process.cpuUsage()
    const server0 = server.cpuMs()
    const rate = await closedLoop(() => (count++, op()), 1, { warmupMs: 0, durationMs: seconds * 1000 })
    const client = process.cpuUsage(client0)
    const serverMs = server.cpuMs() - server0
    return { wall: 1000 / rate, client: (client.user + client.system) / 1000 / count, server: serverMs / count }
  } finally {
    await server.stop()
  }
}

/** µs of one NNpsk0 handshake, both sides, in this process (no I/O). */
function noiseHandshakeUs(iterations: number): number {
  const psk = defaultBackend.randomBytes(32)
  const prologue = new Uint8Array(8)
  const handshake = () => {
    const initiator = new HandshakeState({ role: 'initiator', psk, prologue, backend: defaultBackend })
    const responder = new HandshakeState({ role: 'responder', psk, prologue, backend: defaultBackend })
    responder.readMessage(initiator.writeMessage(new Uint8Array(40)))
    initiator.readMessage(responder.writeMessage(new Uint8Array(80)))
    initiator.split()
    responder.split()
  }
  for (let i = 0; i < 50; i++) handshake()
  const start = performance.now()
  for (let i = 0; i < iterations; i++) handshake()
  return ((performance.now() - start) * 1000) / iterations
}

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' } },
})
const reps = Number(values.reps)
const seconds = Number(values.seconds)
const figures = STEPS.map(() => ({ wall: [] as number[], client: [] as number[], server: [] as number[] }))
// Interleaved, so that a change in the machine's load falls on every step alike.
for (let i = 0; i < reps; i++) {
  for (const [index, step] of STEPS.entries()) {
    const { wall, client, server } = await once(step, seconds)
    figures[index]!.wall.push(wall)
    figures[index]!.client.push(client)
    figures[index]!.server.push(server)
  }
}
const rows = STEPS.map((step, index) => {
  const f = figures[index]!
  return [step.kind, step.name, median(f.wall).toFixed(2), median(f.client).toFixed(2), median(f.server).toFixed(2)]
})
rows.push(['pairwire', 'Noise NNpsk0, both sides in one process (no I/O)', (noiseHandshakeUs(500) / 1000).toFixed(2), '', ''])
printTable(['kind', 'step', 'ms per set-up', 'client CPU ms', 'server CPU ms'], rows)
