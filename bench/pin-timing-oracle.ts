/**
 * `npx tsx bench/pin-timing-oracle.ts [--windows N] [--candidates K]`: runs the PIN timing attack
 * of issue 21 against the reference device and prints how often it wins (spec §5.7
 * pw-pair-5.7-uniform-work, §13.1). Per pairing window the attacker sends pair/start with
 * pA = w_c·M for K candidate PINs (the right one among them, at a random place; K defaults to
 * max_concurrent_pairings − 1 = 7) and picks the candidate answered fastest; it would then spend
 * one pair/finish on it. Chance is 1/K. It attacks the correct device and the device with fault
 * identity-k-fast-path (the code before the fix), each in its own process, and prints JSON.
 */
import { parseArgs } from 'node:util'
import { request } from 'undici'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode } from '../protocol/encoding.ts'
import { LIMIT_DEFAULTS, PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import { encodeShare, M, passwordScalar } from '../protocol/spake2/index.ts'
import { startServer } from './processes.ts'

async function post(url: string, path: string, body: object): Promise<{ status: number; json: unknown }> {
  const res = await request(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.statusCode, json: await res.body.json() }
}

/** K candidates: the right PIN and K − 1 others, shuffled; returns them and the right index. */
function candidates(pin: string, k: number): { pins: string[]; right: number } {
  const pins = new Set([pin])
  while (pins.size < k) pins.add(String(100000 + Math.floor(Math.random() * 900000)))
  const list = [...pins]
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[list[i], list[j]] = [list[j]!, list[i]!]
  }
  return { pins: list, right: list.indexOf(pin) }
}

/** One window: true when the fastest-answered candidate is the right PIN. */
async function attackWindow(url: string, k: number): Promise<boolean> {
  const opened = await post(url, PATHS.testPin, { v: PROTOCOL_VERSION })
  const { pin } = opened.json as { pin: string }
  const { pins, right } = candidates(pin, k)
  const times: number[] = []
  for (const guess of pins) {
    const pA = encodeShare(M.multiply(passwordScalar(guess).w))
    const body = {
      v: PROTOCOL_VERSION,
      client_key: base64urlEncode(defaultBackend.ed25519PublicKey(defaultBackend.randomBytes(32))),
      client_name: 'attacker',
      pA: base64urlEncode(pA),
    }
    const started = performance.now()
    const res = await post(url, PATHS.pairStart, body)
    times.push(performance.now() - started)
    if (res.status !== 200) throw new Error(`pair/start answered ${res.status}`)
  }
  return times.indexOf(Math.min(...times)) === right
}

async function attack(fault: string | undefined, windows: number, k: number) {
  const device = await startServer('pairwire', 'memory', fault === undefined ? [] : ['--fault', fault])
  try {
    let wins = 0
    for (let i = 0; i < windows; i++) if (await attackWindow(device.url, k)) wins++
    return { device: fault ?? 'correct', windows, candidates: k, wins, rate: wins / windows, chance: 1 / k }
  } finally {
    await device.stop()
  }
}

const { values } = parseArgs({
  options: {
    windows: { type: 'string', default: '30' },
    candidates: { type: 'string', default: String(LIMIT_DEFAULTS.max_concurrent_pairings - 1) },
  },
})
const windows = Number(values.windows)
const k = Number(values.candidates)
for (const fault of ['identity-k-fast-path', undefined]) {
  process.stdout.write(`${JSON.stringify(await attack(fault, windows, k))}\n`)
}
