/**
 * Generator of vectors/profiles/zaparoo-v1/generated.json (spec/profiles/zaparoo-v1.md §5): whole
 * pairings from fixed scalars (including coordinates with leading zero bytes, where fixed 32-byte
 * encodings would break K), the outputs of the upstream inputs that Zaparoo publishes without an
 * output (transcript HMAC, session KDF, frame ciphertexts), nonces at the counter edges and a
 * scripted session in both directions. Deterministic: `npx tsx vectors/profiles/zaparoo-v1/generate.ts`
 * rewrites the file; generated.test.ts fails when the checked-in file differs. verify_zaparoo.py
 * recomputes every value with an independent implementation (Python, pure-integer P-256).
 */
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  bytesToBigint,
  clientFinish,
  clientMessage,
  clientShare,
  confirmationMac,
  encodePakeMessage,
  FrameCipher,
  pairingKeys,
  sealFrame,
  serverMessage,
  serverRespond,
  sessionKeys,
  type Coordinates,
} from '../../../protocol/profiles/zaparoo-v1/index.ts'
import upstream from '../../external/zaparoo-v1-upstream.json' with { type: 'json' }

export const GENERATED_FILE = join(dirname(fileURLToPath(import.meta.url)), 'generated.json')
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)
const hex = bytesToHex
const dec = (c: Coordinates): [string, string] => [c.x.toString(10), c.y.toString(10)]
const SHORT = 2n ** 248n

/** A fixed scalar from a label: SHA-256 of it (always < n for these labels; checked below). */
function fixedScalar(label: string): bigint {
  return bytesToBigint(sha256(utf8(label)))
}

function pairingTest(pin: string, label: string, name: string) {
  const alpha = fixedScalar(`zaparoo-v1 alpha ${label}`)
  const beta = fixedScalar(`zaparoo-v1 beta ${label}`)
  const X = clientShare(pin, alpha)
  const { Y, K } = serverRespond(pin, X, beta)
  const Kc = clientFinish(pin, alpha, X, Y)
  if (hex(Kc) !== hex(K)) throw new Error(`${label}: client and server K differ`)
  const msgA = encodePakeMessage(clientMessage(X))
  const msgB = encodePakeMessage(serverMessage(X, Y))
  const keys = pairingKeys(K, msgA, msgB)
  const short = [X.x, X.y, Y.x, Y.y].some((n) => n < SHORT)
  return {
    test: {
      comment: `pairing ${label}`,
      flags: short ? ['LeadingZeroCoordinate'] : ['ValidPairing'],
      pin,
      name,
      alpha: alpha.toString(16).padStart(64, '0'),
      beta: beta.toString(16).padStart(64, '0'),
      msgA: text(msgA),
      msgB: text(msgB),
      K: hex(K),
      confirmKeyA: hex(keys.confirmKeyA),
      confirmKeyB: hex(keys.confirmKeyB),
      pairingKey: hex(keys.pairingKey),
      clientConfirm: hex(confirmationMac(keys.confirmKeyA, 'client', name, msgA, msgB)),
      serverConfirm: hex(confirmationMac(keys.confirmKeyB, 'server', name, msgA, msgB)),
      result: 'valid',
    },
    short,
  }
}

/** Two ordinary pairings and the first labels whose X or Y has a coordinate under 2^248. */
function pairingTests() {
  const tests = [pairingTest('123456', 'a', 'Test App').test, pairingTest('000042', 'b', 'é').test]
  let shortFound = 0
  for (let i = 0; shortFound < 2; i++) {
    const t = pairingTest('314159', `search ${i}`, 'vectors')
    if (t.short) {
      tests.push(t.test)
      shortFound += 1
    }
  }
  return tests
}

function transcriptTests() {
  const u = upstream.pairingHmacTranscriptInputs
  const key = hexToBytes(u.keyHex)
  return (['client', 'server'] as const).map((role) => ({
    comment: `upstream TranscriptStructure inputs, role ${role}`,
    flags: ['UpstreamInput'],
    keyHex: u.keyHex,
    role,
    name: u.name,
    msgA: u.msgA,
    msgB: u.msgB,
    mac: hex(confirmationMac(key, role, u.name, utf8(u.msgA), utf8(u.msgB))),
    result: 'valid',
  }))
}

function kdfTests() {
  const u = upstream.sessionKdfInputs
  const k = sessionKeys(hexToBytes(u.pairingKeyHex), hexToBytes(u.saltHex))
  return [
    {
      comment: 'upstream DeriveSessionKeys inputs',
      flags: ['UpstreamInput'],
      pairingKey: u.pairingKeyHex,
      salt: u.saltHex,
      c2sKey: hex(k.c2sKey),
      s2cKey: hex(k.s2cKey),
      c2sBase: hex(k.c2sBase),
      s2cBase: hex(k.s2cBase),
      result: 'valid',
    },
  ]
}

function nonceTests() {
  const u = upstream.nonceXor
  const base = hexToBytes(u.baseHex)
  const key = hexToBytes(u.keyHex)
  const sealed = u.nonces.map((n) => ({
    comment: `upstream nonce construction, counter ${n.counter}`,
    flags: ['CounterEdge'],
    key: u.keyHex,
    base: u.baseHex,
    counter: n.counter,
    nonce: n.nonceHex,
    aad: u.aad,
    plaintext: hex(utf8(u.plaintext)),
    sealed: hex(sealFrame(key, base, BigInt(n.counter), 'auth-token', utf8(u.plaintext))),
    result: 'valid',
  }))
  const exhausted = {
    comment: 'counter 2^64 - 1 is refused (ErrCounterExhausted)',
    flags: ['CounterExhausted'],
    key: u.keyHex,
    base: u.baseHex,
    counter: (2n ** 64n - 1n).toString(),
    nonce: '',
    aad: u.aad,
    plaintext: hex(utf8(u.plaintext)),
    sealed: '',
    result: 'invalid',
  }
  return [...sealed, exhausted]
}

/** One session: first frame, a call, a pong and a notification, in wire order. */
function sessionTests() {
  const pairingKey = sha256(utf8('zaparoo-v1 session pairing key'))
  const salt = sha256(utf8('zaparoo-v1 session salt')).slice(0, 16)
  const token = '6f1c1b8e-2a55-4c3e-9d0e-3c7a1f9b2d40'
  const k = sessionKeys(pairingKey, salt)
  const c2s = new FrameCipher(k.c2sKey, k.c2sBase, token)
  const s2c = new FrameCipher(k.s2cKey, k.s2cBase, token)
  const script: [('c2s' | 's2c'), string][] = [
    ['c2s', '{"jsonrpc":"2.0","method":"version","id":1}'],
    ['s2c', '{"jsonrpc":"2.0","id":1,"result":{"version":"emulated"}}'],
    ['c2s', 'ping'],
    ['s2c', 'pong'],
    ['s2c', '{"jsonrpc":"2.0","method":"media.started","params":{}}'],
    ['c2s', ''],
  ]
  const frames = script.map(([direction, plaintext]) => {
    const cipher = direction === 'c2s' ? c2s : s2c
    const counter = cipher.next.toString()
    return { direction, counter, plaintext, e: Buffer.from(cipher.seal(utf8(plaintext))).toString('base64') }
  })
  return [
    {
      comment: 'a session in both directions; every s2c frame takes a counter',
      flags: ['BothDirections'],
      pairingKey: hex(pairingKey),
      salt: hex(salt),
      authToken: token,
      frames,
      result: 'valid',
    },
  ]
}

export function generate() {
  const groups = [
    { type: 'PairingTest', tests: pairingTests() },
    { type: 'TranscriptHmacTest', tests: transcriptTests() },
    { type: 'SessionKdfTest', tests: kdfTests() },
    { type: 'NonceFrameTest', tests: nonceTests() },
    { type: 'SessionFrameTest', tests: sessionTests() },
  ]
  let tcId = 0
  const testGroups = groups.map((g) => ({ ...g, tests: g.tests.map((t) => ({ tcId: ++tcId, ...t })) }))
  return {
    $comment: 'Generated by vectors/profiles/zaparoo-v1/generate.ts; do not edit.',
    algorithm: 'zaparoo-v1',
    profile: 'spec/profiles/zaparoo-v1.md',
    source: 'protocol/profiles/zaparoo-v1 (@noble), cross-checked by verify_zaparoo.py',
    header: [
      'zaparoo-v1 (Zaparoo Core pairing and encrypted WebSocket). Hex is lowercase; coordinates',
      'are decimal strings inside msgA/msgB; msgA/msgB are the exact wire bytes (UTF-8).',
      'Scalars are fixed here so the values can be checked; real parties draw them at random.',
    ],
    notes: {
      ValidPairing: 'a whole pairing: X, Y, K, the three HKDF keys and both confirmations',
      LeadingZeroCoordinate:
        'a coordinate of X or Y is below 2^248: K needs minimal big-endian integers, not 32 bytes',
      UpstreamInput: 'inputs published by zaparoo-core without an output; output computed here',
      CounterEdge: 'nonce XOR at counters 0, 1 and 2^64 - 2',
      CounterExhausted: 'counter 2^64 - 1 must be refused',
      BothDirections: 'per-direction keys, bases and counters in one session',
    },
    numberOfTests: tcId,
    testGroups,
  }
}

export function render(): string {
  return JSON.stringify(generate(), null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(GENERATED_FILE, render())
