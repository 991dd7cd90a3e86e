/**
 * `npm run bench:core`: speed of the protocol core under both crypto backends, in one process
 * run, with the node:crypto / noble ratio for each figure. Prints a table and one JSON document
 * (to stdout, after the table). `--quick` shortens every measurement for CI smoke runs.
 */
import { availableBackends, type CryptoBackend } from '../protocol/crypto/index.ts'
import { HandshakeState, NoiseTransport } from '../protocol/noise/index.ts'
import {
  confirmDevicePairing,
  finishClientPairing,
  respondDevicePairing,
  startClientPairing,
} from '../protocol/spake2/index.ts'
import { machineInfo, measure, printTable } from './measure.ts'

const durationMs = process.argv.includes('--quick') ? 150 : 1000

type Scenario = { name: string; unit: string; run: (backend: CryptoBackend) => number }

/** Seals and opens messages of `size` bytes; returns MB/s of plaintext (each byte sealed and opened). */
function aesGcm(size: number) {
  return (backend: CryptoBackend): number => {
    const key = backend.randomBytes(32)
    const nonce = new Uint8Array(12)
    const ad = new Uint8Array(0)
    const plaintext = backend.randomBytes(size)
    const rate = measure(() => {
      backend.aes256gcmOpen(key, nonce, ad, backend.aes256gcmSeal(key, nonce, ad, plaintext))
    }, durationMs)
    return (rate.opsPerSecond * size) / 1e6
  }
}

function noiseHandshake(backend: CryptoBackend): number {
  const psk = backend.randomBytes(32)
  const prologue = new Uint8Array(40)
  return measure(() => {
    const initiator = new HandshakeState({ role: 'initiator', psk, prologue, backend })
    const responder = new HandshakeState({ role: 'responder', psk, prologue, backend })
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)))
    initiator.readMessage(responder.writeMessage(new Uint8Array(0)))
    new NoiseTransport(initiator.split())
    new NoiseTransport(responder.split())
  }, durationMs).opsPerSecond
}

function spake2Exchange(backend: CryptoBackend): number {
  const clientKey = backend.ed25519PublicKey(backend.randomBytes(32))
  const deviceKey = backend.ed25519PublicKey(backend.randomBytes(32))
  const pin = '492817'
  return measure(() => {
    const client = startClientPairing({ pin, clientKey, deviceKey, backend })
    const device = respondDevicePairing({ pin, clientKey, deviceKey, pA: client.pA, backend })
    const confirmation = finishClientPairing(client.state, device.pB)
    const { cB } = confirmDevicePairing(device.state, confirmation.cA)
    confirmation.verifyDeviceConfirmation(cB)
  }, durationMs).opsPerSecond
}

function ed25519Verify(backend: CryptoBackend): number {
  const seed = backend.randomBytes(32)
  const publicKey = backend.ed25519PublicKey(seed)
  const message = backend.randomBytes(256)
  const signature = backend.ed25519Sign(seed, message)
  return measure(() => {
    if (!backend.ed25519Verify(publicKey, message, signature)) throw new Error('verify failed')
  }, durationMs).opsPerSecond
}

const scenarios: Scenario[] = [
  { name: 'AES-256-GCM seal+open 1 KiB', unit: 'MB/s', run: aesGcm(1024) },
  { name: 'AES-256-GCM seal+open 64 KiB', unit: 'MB/s', run: aesGcm(65536) },
  { name: 'Noise NNpsk0 handshake (both sides)', unit: 'handshakes/s', run: noiseHandshake },
  { name: 'SPAKE2 pairing exchange (both sides)', unit: 'exchanges/s', run: spake2Exchange },
  { name: 'Ed25519 verify', unit: 'verifies/s', run: ed25519Verify },
]

const backends = await availableBackends()
const results = scenarios.map((s) => {
  const figures: Partial<Record<CryptoBackend['name'], number>> = {}
  for (const backend of backends) figures[backend.name] = s.run(backend)
  const { noble, node } = figures
  const nodeOverNoble = node !== undefined && noble ? node / noble : null
  return { scenario: s.name, unit: s.unit, noble, node, nodeOverNoble }
})

const fmt = (n: number | undefined | null): string =>
  n === undefined || n === null ? '-' : n >= 100 ? n.toFixed(0) : n.toFixed(2)
printTable(
  ['scenario', 'unit', 'noble', 'node', 'node/noble'],
  results.map((r) => [r.scenario, r.unit, fmt(r.noble), fmt(r.node), fmt(r.nodeOverNoble) + 'x']),
)
console.log(JSON.stringify({ machine: machineInfo(), durationMs, results }, null, 2))
