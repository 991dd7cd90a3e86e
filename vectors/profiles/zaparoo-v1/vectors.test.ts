/**
 * zaparoo-v1 vectors (spec/profiles/zaparoo-v1.md §5): the protocol core reproduces every upstream
 * known answer exactly; the checked-in generated.json is what the generator writes; and the
 * independent Python check passes it and catches an altered value.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import t from 'tap'
import {
  bytesToBigint,
  clientShare,
  confirmationMac,
  CounterExhausted,
  frameNonce,
} from '../../../protocol/profiles/zaparoo-v1/index.ts'
import { GENERATED_FILE, render } from './generate.ts'
import upstream from '../../external/zaparoo-v1-upstream.json' with { type: 'json' }

const HERE = dirname(fileURLToPath(import.meta.url))
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

t.test('upstream frozen pairing HMAC (core TestKAT_PairingHMAC_FrozenVector)', async (t) => {
  const f = upstream.pairingHmacFrozen
  const mac = (role: 'client' | 'server'): string =>
    bytesToHex(confirmationMac(utf8(f.keyAscii), role, f.name, utf8(f.msgA), utf8(f.msgB)))
  t.equal(mac('client'), f.client)
  t.equal(mac('server'), f.server)
})

t.test('upstream nonce XOR (core TestKAT_NonceXORConstruction) and the refused last counter', async (t) => {
  const u = upstream.nonceXor
  for (const n of u.nonces) {
    t.equal(bytesToHex(frameNonce(hexToBytes(u.baseHex), BigInt(n.counter))), n.nonceHex, n.counter)
  }
  t.equal(u.nonces.length, 3)
  t.throws(() => frameNonce(hexToBytes(u.baseHex), 2n ** 64n - 1n), CounterExhausted)
})

t.test('upstream client PAKE golden X (app pake.test.ts)', async (t) => {
  const g = upstream.clientPakeGolden
  const X = clientShare(g.pin, bytesToBigint(hexToBytes(g.alphaHex)))
  t.equal(X.x.toString(10), g.xx)
  t.equal(X.y.toString(10), g.xy)
})

// zp-pake-3.2-minimal-integers, zp-keys-4.1-schedule, zp-keys-4.2-transcript, zp-ws-5.2-keys-nonces:
// generated.json holds whole pairings (two with short coordinates), their keys and session frames.
t.test('generated.json is the generator output', async (t) => {
  t.equal(readFileSync(GENERATED_FILE, 'utf8'), render(), 'run npx tsx vectors/profiles/zaparoo-v1/generate.ts')
})

t.test('the independent Python check passes the file and catches an altered K', async (t) => {
  const script = join(HERE, 'verify_zaparoo.py')
  const ok = spawnSync('python3', [script], { encoding: 'utf8' })
  t.equal(ok.status, 0, ok.stdout + ok.stderr)
  const file = JSON.parse(readFileSync(GENERATED_FILE, 'utf8'))
  t.match(ok.stdout, `generated: ${file.numberOfTests} passed, 0 failed`)
  const k = file.testGroups[0].tests[0].K as string
  file.testGroups[0].tests[0].K = (k[0] === '0' ? '1' : '0') + k.slice(1)
  const altered = join(mkdtempSync(join(tmpdir(), 'zaparoo-')), 'generated.json')
  writeFileSync(altered, JSON.stringify(file))
  const bad = spawnSync('python3', [script, altered], { encoding: 'utf8' })
  t.equal(bad.status, 1)
  t.match(bad.stdout, 'FAIL tcId 1')
})
