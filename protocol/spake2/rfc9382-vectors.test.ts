// Checks spec requirements: pw-pair-5.5-spake2-profile
/**
 * RFC 9382 Appendix B (SPAKE2-P256-SHA256-HKDF-HMAC) and the §6 constants M and N, from
 * vectors/external/rfc9382-spake2-p256.json, under every crypto backend. Every field of every
 * vector is either an input (A, B, w, x, y) or recomputed and compared.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { availableBackends } from '../crypto/index.ts'
import { hexDecode, hexEncode, utf8Encode } from '../encoding.ts'
import { M, N, M_COMPRESSED_HEX, N_COMPRESSED_HEX } from './constants.ts'
import { confirmationMac, keySchedule, verifyConfirmation } from './key-schedule.ts'
import { scalarToBytes } from './scalar.ts'
import { computeShare, sharedPoint } from './share.ts'
import { transcript } from './transcript.ts'

interface Rfc9382Vector {
  A: string
  B: string
  w: string
  x: string
  pA: string
  y: string
  pB: string
  K: string
  TT: string
  HashTT: string
  Ke: string
  Ka: string
  KcA: string
  KcB: string
  cA: string
  cB: string
}

const FIELDS: readonly (keyof Rfc9382Vector)[] = [
  'A', 'B', 'w', 'x', 'pA', 'y', 'pB', 'K', 'TT', 'HashTT', 'Ke', 'Ka', 'KcA', 'KcB', 'cA', 'cB',
]

const file = JSON.parse(
  readFileSync(new URL('../../vectors/external/rfc9382-spake2-p256.json', import.meta.url), 'utf8'),
) as { constants: Record<string, string>; vectors: Rfc9382Vector[] }

const CONFIRMATION_FAILED = { name: 'ProtocolError', code: 'confirmation-failed' }
const scalar = (hex: string): bigint => BigInt('0x' + hex)
const hex = (bytes: Uint8Array): string => hexEncode(bytes)

t.test('M and N are the RFC 9382 §6 points', async (t) => {
  const c = file.constants
  t.equal(M_COMPRESSED_HEX, c.M_compressed)
  t.equal(N_COMPRESSED_HEX, c.N_compressed)
  t.equal(hex(M.toBytes(true)), c.M_compressed)
  t.equal(hex(N.toBytes(true)), c.N_compressed)
  t.equal(M.x, scalar(c.M_x!))
  t.equal(M.y, scalar(c.M_y!))
  t.equal(N.x, scalar(c.N_x!))
  t.equal(N.y, scalar(c.N_y!))
})

t.test('RFC 9382 Appendix B vectors', async (t) => {
  let count = 0
  for (const backend of await availableBackends()) {
    for (const [i, v] of file.vectors.entries()) {
      const name = `${backend.name} vector ${i} (A="${v.A}", B="${v.B}")`
      t.same(Object.keys(v).sort(), [...FIELDS].sort(), `${name}: no unchecked field`)
      const w = scalar(v.w)
      const x = scalar(v.x)
      const y = scalar(v.y)
      const A = utf8Encode(v.A)
      const B = utf8Encode(v.B)
      t.equal(hex(scalarToBytes(w)), v.w, `${name}: w as 32-byte big-endian`)

      const pA = computeShare('A', x, w)
      const pB = computeShare('B', y, w)
      t.equal(hex(pA), v.pA, `${name}: pA`)
      t.equal(hex(pB), v.pB, `${name}: pB`)
      const KA = sharedPoint('A', x, w, pB)
      const KB = sharedPoint('B', y, w, pA)
      t.equal(hex(KA), v.K, `${name}: K computed by A`)
      t.equal(hex(KB), v.K, `${name}: K computed by B`)

      const TT = transcript({ A, B, pA, pB, K: KA, w })
      t.equal(hex(TT), v.TT, `${name}: TT`)
      const ks = keySchedule(TT, new Uint8Array(0), backend)
      t.equal(hex(ks.hashTT), v.HashTT, `${name}: Hash(TT)`)
      t.equal(hex(ks.Ke), v.Ke, `${name}: Ke`)
      t.equal(hex(ks.Ka), v.Ka, `${name}: Ka`)
      t.equal(hex(ks.KcA), v.KcA, `${name}: KcA`)
      t.equal(hex(ks.KcB), v.KcB, `${name}: KcB`)
      t.equal(hex(confirmationMac(ks.KcA, TT, backend)), v.cA, `${name}: cA`)
      t.equal(hex(confirmationMac(ks.KcB, TT, backend)), v.cB, `${name}: cB`)

      verifyConfirmation(ks.KcA, TT, hexDecode(v.cA), backend)
      verifyConfirmation(ks.KcB, TT, hexDecode(v.cB), backend)
      const tampered = hexDecode(v.cB)
      tampered[0]! ^= 1
      t.throws(() => verifyConfirmation(ks.KcB, TT, tampered, backend), CONFIRMATION_FAILED,
        `${name}: a flipped bit in cB fails`)
      const truncated = hexDecode(v.cA).subarray(0, 16)
      t.throws(() => verifyConfirmation(ks.KcA, TT, truncated, backend), CONFIRMATION_FAILED,
        `${name}: a truncated cA fails`)
      count++
    }
  }
  t.equal(count, 4 * (await availableBackends()).length, '4 vectors under every backend')
  t.equal((await availableBackends()).length, 2, 'both backends ran')
})
