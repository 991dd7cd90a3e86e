// Checks spec requirements: pw-pair-5.5-spake2-profile, pw-pair-5.6-pairing-key, pw-pair-5.9-client-verifies-cb, pw-pair-5.8-cb-after-ca, pw-pair-5.6-after-confirmation
/**
 * The Pairwire pairing profile (spec §5.5, §5.6): equal PINs give both sides the same pairing key
 * after mutual confirmation, and neither derives it before the peer's MAC verified; a different
 * PIN fails at the device before cB is revealed; and the profile's byte layout (A = client key, B = device key, AAD, pairing key info) is recomputed from
 * the RFC 9382 building blocks.
 */
import fc from 'fast-check'
import t from 'tap'
import {
  availableBackends,
  hkdfSha256,
  nobleBackend,
  type CryptoBackend,
} from '../crypto/index.ts'
import { concatBytes, constantTimeEqual, lengthPrefixed, utf8Encode } from '../encoding.ts'
import { LABELS } from '../registry.ts'
import { M } from './constants.ts'
import { passwordScalar } from './password.ts'
import { scalarToBytes } from './scalar.ts'
import {
  confirmDevicePairing,
  derivePairingKey,
  finishClientPairing,
  PAIRING_AAD,
  respondDevicePairing,
  startClientPairing,
} from './index.ts'
import { confirmationMac, keySchedule } from './key-schedule.ts'
import { computeShare, sharedPoint } from './share.ts'

const CONFIRMATION_FAILED = { name: 'ProtocolError', code: 'confirmation-failed' }
const clientKey = new Uint8Array(32).fill(0xc1)
const deviceKey = new Uint8Array(32).fill(0xd2)
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const pin = fc.integer({ min: 0, max: 999_999 }).map((v) => String(v).padStart(6, '0'))

t.test('property: equal PINs give equal pairing keys and both confirmations verify', async (t) => {
  for (const backend of await availableBackends()) {
    fc.assert(fc.property(pin, key32, key32, (p, ck, dk) => {
      const client = startClientPairing({ pin: p, clientKey: ck, deviceKey: dk, backend })
      const device = respondDevicePairing({ pin: p, clientKey: ck, deviceKey: dk, pA: client.pA,
        backend })
      const { cA, verifyDeviceConfirmation } = finishClientPairing(client.state, device.pB)
      const { cB, pairingKey } = confirmDevicePairing(device.state, cA)
      const clientPairingKey = verifyDeviceConfirmation(cB)
      return pairingKey.length === 32 && clientPairingKey.every((b, i) => b === pairingKey[i])
    }), { numRuns: 30 })
    t.pass(`${backend.name}: 30 pairings agree`)
  }
})

t.test('property: different PINs fail at the device, before cB exists', async (t) => {
  for (const backend of await availableBackends()) {
    const pinPair = fc.tuple(pin, pin).filter(([a, b]) => a !== b)
    fc.assert(fc.property(pinPair, ([clientPin, devicePin]) => {
      const client = startClientPairing({ pin: clientPin, clientKey, deviceKey, backend })
      const device = respondDevicePairing({ pin: devicePin, clientKey, deviceKey, pA: client.pA,
        backend })
      const { cA } = finishClientPairing(client.state, device.pB)
      t.throws(() => confirmDevicePairing(device.state, cA), CONFIRMATION_FAILED)
    }), { numRuns: 20 })
  }
})

t.test('a client given a wrong cB fails and gets no pairing key', async (t) => {
  for (const backend of await availableBackends()) {
    const client = startClientPairing({ pin: '492817', clientKey, deviceKey, backend })
    const device = respondDevicePairing({ pin: '492817', clientKey, deviceKey, pA: client.pA,
      backend })
    const { cA, verifyDeviceConfirmation } = finishClientPairing(client.state, device.pB)
    const { cB } = confirmDevicePairing(device.state, cA)
    t.throws(() => verifyDeviceConfirmation(cA), CONFIRMATION_FAILED, `${backend.name}: cA as cB`)
    const flipped = cB.slice()
    flipped[31]! ^= 0x80
    t.throws(() => verifyDeviceConfirmation(flipped), CONFIRMATION_FAILED, `${backend.name}: bit`)
    t.throws(() => verifyDeviceConfirmation(new Uint8Array(0)), CONFIRMATION_FAILED, 'empty')
    t.equal(verifyDeviceConfirmation(cB).length, 32, 'the genuine cB still verifies')
  }
})

/** The backend, counting the HKDF-Expand calls with the pairing key's info (spec §5.6). */
function countingPairingKeys(backend: CryptoBackend): { backend: CryptoBackend; derived: () => number } {
  const info = utf8Encode(LABELS.pairingKeyInfo)
  let derived = 0
  const counting: CryptoBackend = {
    ...backend,
    hkdfExpand(prk, i, length) {
      if (constantTimeEqual(i, info)) derived++
      return backend.hkdfExpand(prk, i, length)
    },
  }
  return { backend: counting, derived: () => derived }
}

t.test('no side derives the pairing key before the peer confirmation verified', async (t) => {
  for (const base of await availableBackends()) {
    const { backend, derived } = countingPairingKeys(base)
    const parties = { pin: '492817', clientKey, deviceKey, backend }
    const client = startClientPairing(parties)
    const device = respondDevicePairing({ ...parties, pA: client.pA })
    const { cA, verifyDeviceConfirmation } = finishClientPairing(client.state, device.pB)
    t.equal(derived(), 0, `${base.name}: not while computing cA`)
    const other = respondDevicePairing({ ...parties, pA: client.pA })
    t.throws(() => confirmDevicePairing(other.state, cA), CONFIRMATION_FAILED)
    t.equal(derived(), 0, 'not by a device whose cA failed')
    const { cB } = confirmDevicePairing(device.state, cA)
    t.equal(derived(), 1, 'the device, once cA verified')
    t.throws(() => verifyDeviceConfirmation(cA), CONFIRMATION_FAILED)
    t.equal(derived(), 1, 'not by a client whose cB failed')
    verifyDeviceConfirmation(cB)
    t.equal(derived(), 2, 'the client, once cB verified')
  }
})

t.test('a device pairing state allows one confirmation attempt', async (t) => {
  const client = startClientPairing({ pin: '492817', clientKey, deviceKey })
  const device = respondDevicePairing({ pin: '492817', clientKey, deviceKey, pA: client.pA })
  const { cA } = finishClientPairing(client.state, device.pB)
  t.throws(() => confirmDevicePairing(device.state, new Uint8Array(32)), CONFIRMATION_FAILED)
  t.throws(() => confirmDevicePairing(device.state, cA),
    { name: 'ProtocolError', code: 'invalid-state' }, 'not even the right cA after a failure')
})

t.test('the profile layout, recomputed from the RFC 9382 building blocks', async (t) => {
  const x = 0x1234n
  const y = 0x5678n
  const { w, wBytes } = passwordScalar('492817')
  for (const backend of await availableBackends()) {
    const client = startClientPairing({ pin: '492817', clientKey, deviceKey, x, backend })
    const device = respondDevicePairing({ pin: '492817', clientKey, deviceKey, pA: client.pA, y,
      backend })
    const pA = computeShare('A', x, w)
    const pB = computeShare('B', y, w)
    t.same(client.pA, pA, 'pA = x*P + w*M')
    t.same(device.pB, pB, 'pB = y*P + w*N')
    const K = sharedPoint('A', x, w, pB)
    const TT = concatBytes(...[clientKey, deviceKey, pA, pB, K, wBytes].map(lengthPrefixed))
    t.same(device.state.TT, TT, 'TT with A = client key and B = device key')
    const aad = utf8Encode(LABELS.spake2Aad)
    t.same(PAIRING_AAD, aad)
    const { Ke, KcA, KcB } = keySchedule(TT, aad, backend)
    const { cA } = finishClientPairing(client.state, device.pB)
    t.same(cA, confirmationMac(KcA, TT, backend), 'cA = MAC(KcA, TT) with the Pairwire AAD')
    const { cB, pairingKey } = confirmDevicePairing(device.state, cA)
    t.same(cB, confirmationMac(KcB, TT, backend), 'cB = MAC(KcB, TT)')
    const expected = hkdfSha256(backend, Ke, new Uint8Array(0),
      utf8Encode(LABELS.pairingKeyInfo), 32)
    t.same(pairingKey, expected, 'pairing key = HKDF(salt empty, Ke, pairingKeyInfo, 32)')
    t.same(derivePairingKey(Ke, backend), expected)
    t.same(derivePairingKey(Ke), expected, 'same under the default backend')
  }
})

t.test('a swapped identity breaks the confirmation', async (t) => {
  const client = startClientPairing({ pin: '492817', clientKey, deviceKey })
  const device = respondDevicePairing({ pin: '492817', clientKey: deviceKey, deviceKey: clientKey,
    pA: client.pA })
  const { cA } = finishClientPairing(client.state, device.pB)
  t.throws(() => confirmDevicePairing(device.state, cA), CONFIRMATION_FAILED)
})

t.test('bad inputs are typed errors', async (t) => {
  const INVALID_SHARE = { name: 'ProtocolError', code: 'invalid-share' }
  const INVALID_LENGTH = { name: 'ProtocolError', code: 'invalid-length' }
  const { w } = passwordScalar('492817')
  const client = startClientPairing({ pin: '492817', clientKey, deviceKey, backend: nobleBackend })
  const device = (pA: Uint8Array) =>
    respondDevicePairing({ pin: '492817', clientKey, deviceKey, pA })
  t.throws(() => device(new Uint8Array(65)), INVALID_SHARE, 'garbage pA')
  t.throws(() => device(client.pA.subarray(0, 33)), INVALID_SHARE, 'short pA')
  t.throws(() => device(M.multiply(w).toBytes(false)), INVALID_SHARE, 'pA = w*M (K = identity)')
  t.throws(() => finishClientPairing(client.state, new Uint8Array(65)), INVALID_SHARE, 'garbage pB')
  t.throws(() => startClientPairing({ pin: '492817', clientKey: new Uint8Array(31), deviceKey }),
    INVALID_LENGTH, 'short client key')
  t.throws(() => respondDevicePairing({ pin: '492817', clientKey, deviceKey: new Uint8Array(33),
    pA: client.pA }), INVALID_LENGTH, 'long device key')
  t.throws(() => startClientPairing({ pin: '49281', clientKey, deviceKey }),
    { name: 'ProtocolError', code: 'invalid-pin' }, 'five-digit PIN')
  t.throws(() => startClientPairing({ pin: '492817', clientKey, deviceKey, x: 0n }),
    { name: 'ProtocolError', code: 'invalid-key' }, 'x = 0')
  t.same(scalarToBytes(w), passwordScalar('492817').wBytes)
})
