/**
 * Re-verifies every vector of vectors/pairing.json against the protocol core (spec §5), under
 * both crypto backends: the low-level SPAKE2 steps for every intermediate, and the high-level
 * pairing API (startClientPairing ... confirmDevicePairing) for the outcome of each exchange.
 */
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { availableBackends, type CryptoBackend } from '../protocol/crypto/index.ts'
import { hexDecode, hexEncode } from '../protocol/encoding.ts'
import { isProtocolError } from '../protocol/errors.ts'
import { clientIdOf, deviceIdOf } from '../protocol/ids.ts'
import { PROBLEMS, problemType, SIZES } from '../protocol/registry.ts'
import {
  computeShare, confirmationMac, confirmDevicePairing, decodeShare, derivePairingKey,
  finishClientPairing, isTrivialPin, keySchedule, PAIRING_AAD, passwordScalar,
  respondDevicePairing, scalarToBytes, sharedPoint, startClientPairing, transcript, validatePin,
} from '../protocol/spake2/index.ts'
import type { PairingVectorFile } from '../schemas/src/vectors.ts'

const file = JSON.parse(
  readFileSync(new URL('./pairing.json', import.meta.url), 'utf8'),
) as PairingVectorFile
type Group = PairingVectorFile['testGroups'][number]
type GroupOf<T extends Group['type']> = Extract<Group, { type: T }>

const EXPECTED_TESTS = 81
const scalar = (hex: string): bigint => BigInt('0x' + hex)
const wHex = (pin: string): string => hexEncode(scalarToBytes(passwordScalar(pin).w))

function throwsCode(t: Test, code: string, fn: () => unknown, message: string): void {
  try {
    fn()
    t.fail(`${message}: expected ${code}, nothing thrown`)
  } catch (e) {
    t.ok(isProtocolError(e) && e.code === code, `${message}: ${code}`)
  }
}

function passwordScalarTest(t: Test, g: GroupOf<'PasswordScalarTest'>): number {
  for (const v of g.tests) {
    switch (v.result) {
      case 'valid': t.equal(wHex(v.pin), v.w, `tcId ${v.tcId} w`); break
      case 'invalid':
        throwsCode(t, 'invalid-pin', () => passwordScalar(v.pin), `tcId ${v.tcId}`)
        break
      default: t.fail(`tcId ${(v as { tcId: number }).tcId}: unknown result`)
    }
  }
  return g.tests.length
}

function pinRuleTest(t: Test, g: GroupOf<'PinRuleTest'>): number {
  for (const v of g.tests) {
    switch (v.result) {
      case 'valid':
        t.equal(validatePin(v.pin), v.pin, `tcId ${v.tcId} accepted`)
        t.notOk(isTrivialPin(v.pin))
        break
      case 'invalid':
        throwsCode(t, 'invalid-pin', () => validatePin(v.pin), `tcId ${v.tcId}`)
        t.ok(isTrivialPin(v.pin))
        break
      default: t.fail(`tcId ${(v as { tcId: number }).tcId}: unknown result`)
    }
  }
  return g.tests.length
}

/** Every intermediate with the low-level steps, then the exchange with the high-level API. */
function pairingTest(t: Test, g: GroupOf<'PairingTest'>, backend: CryptoBackend): number {
  t.equal(g.aad, hexEncode(PAIRING_AAD))
  for (const v of g.tests) {
    if (v.result !== 'valid') { t.fail(`tcId ${v.tcId}: unknown result`); continue }
    const A = backend.ed25519PublicKey(hexDecode(v.client_seed))
    const B = backend.ed25519PublicKey(hexDecode(v.device_seed))
    const [x, y] = [scalar(v.x), scalar(v.y)]
    const { w } = passwordScalar(v.pin)
    const pA = computeShare('A', x, w)
    const pB = computeShare('B', y, w)
    const K = sharedPoint('A', x, w, pB)
    const TT = transcript({ A, B, pA, pB, K, w })
    const ks = keySchedule(TT, PAIRING_AAD, backend)
    t.same({
      client_key: hexEncode(A), client_id: clientIdOf(A, backend), device_key: hexEncode(B),
      device_id: deviceIdOf(B, backend), w: wHex(v.pin), pA: hexEncode(pA), pB: hexEncode(pB),
      K: hexEncode(K), deviceK: hexEncode(sharedPoint('B', y, w, pA)), TT: hexEncode(TT),
      Ke: hexEncode(ks.Ke), Ka: hexEncode(ks.Ka), KcA: hexEncode(ks.KcA), KcB: hexEncode(ks.KcB),
      cA: hexEncode(confirmationMac(ks.KcA, TT, backend)),
      cB: hexEncode(confirmationMac(ks.KcB, TT, backend)),
      pairing_key: hexEncode(derivePairingKey(ks.Ke, backend)),
    }, {
      client_key: v.client_key, client_id: v.client_id, device_key: v.device_key,
      device_id: v.device_id, w: v.w, pA: v.pA, pB: v.pB, K: v.K, deviceK: v.K, TT: v.TT,
      Ke: v.Ke, Ka: v.Ka, KcA: v.KcA, KcB: v.KcB, cA: v.cA, cB: v.cB, pairing_key: v.pairing_key,
    }, `tcId ${v.tcId} intermediates`)
    const parties = { pin: v.pin, clientKey: A, deviceKey: B, backend }
    const client = startClientPairing({ ...parties, x })
    const device = respondDevicePairing({ ...parties, pA: client.pA, y })
    const confirmation = finishClientPairing(client.state, device.pB)
    const finish = confirmDevicePairing(device.state, confirmation.cA)
    const clientKey = confirmation.verifyDeviceConfirmation(finish.cB)
    t.same(
      [client.pA, device.pB, confirmation.cA, finish.cB, finish.pairingKey, clientKey]
        .map(hexEncode),
      [v.pA, v.pB, v.cA, v.cB, v.pairing_key, v.pairing_key],
      `tcId ${v.tcId} exchange`,
    )
  }
  return g.tests.length
}

function confirmationTest(t: Test, g: GroupOf<'ConfirmationTest'>, backend: CryptoBackend): number {
  const [clientKey, deviceKey] = [hexDecode(g.client_key), hexDecode(g.device_key)]
  for (const v of g.tests) {
    if (v.result !== 'invalid') { t.fail(`tcId ${v.tcId}: unknown result`); continue }
    const client = startClientPairing({
      pin: v.client_pin, clientKey, deviceKey, backend, x: scalar(v.x),
    })
    const device = respondDevicePairing({
      pin: v.device_pin, clientKey, deviceKey, backend, pA: hexDecode(v.pA), y: scalar(v.y),
    })
    t.same([hexEncode(client.pA), hexEncode(device.pB)], [v.pA, v.pB], `tcId ${v.tcId} shares`)
    throwsCode(t, 'confirmation-failed', () => confirmDevicePairing(device.state, hexDecode(v.cA)),
      `tcId ${v.tcId}`)
    t.same([v.problem, v.status], [problemType(PROBLEMS.confirmationFailed), 403])
  }
  return g.tests.length
}

function invalidShareTest(t: Test, g: GroupOf<'InvalidShareTest'>, backend: CryptoBackend): number {
  const parties = partiesOf(g, backend)
  for (const v of g.tests) {
    if (v.result !== 'invalid') { t.fail(`tcId ${v.tcId}: unknown result`); continue }
    const pA = hexDecode(v.pA)
    const respond = () => respondDevicePairing({ ...parties, pA, y: scalar(g.y) })
    switch (v.request) {
      case 'pair/start':
        throwsCode(t, 'invalid-share', () => decodeShare(pA), `tcId ${v.tcId} decode`)
        throwsCode(t, 'invalid-share', respond, `tcId ${v.tcId} respond`)
        // Spec §5.7: 65 bytes are judged as a point; another length fails the schema first.
        t.same([v.problem, v.status], pA.length === SIZES.p256UncompressedPoint
          ? [problemType(PROBLEMS.invalidShare), 400]
          : [problemType(PROBLEMS.malformedRequest), 400], `tcId ${v.tcId} answer`)
        break
      case 'pair/finish':
        // A valid point whose K is the identity: the core refuses K, and the device must then
        // answer pair/start as usual and fail pair/finish (spec §5.7).
        t.doesNotThrow(() => decodeShare(pA), `tcId ${v.tcId} is a point`)
        t.throws(respond, { code: 'invalid-share', detail: 'shared point K is the identity' })
        t.same([v.problem, v.status], [problemType(PROBLEMS.confirmationFailed), 403])
        break
      default: t.fail(`tcId ${(v as { tcId: number }).tcId}: unknown request`)
    }
  }
  return g.tests.length
}

function invalidPeerShareTest(
  t: Test, g: GroupOf<'InvalidPeerShareTest'>, backend: CryptoBackend,
): number {
  const parties = partiesOf(g, backend)
  for (const v of g.tests) {
    if (v.result !== 'invalid') { t.fail(`tcId ${v.tcId}: unknown result`); continue }
    const client = startClientPairing({ ...parties, x: scalar(g.x) })
    t.equal(hexEncode(client.pA), g.pA)
    throwsCode(t, 'invalid-share', () => finishClientPairing(client.state, hexDecode(v.pB)),
      `tcId ${v.tcId}`)
  }
  return g.tests.length
}

type ShareGroup = GroupOf<'InvalidShareTest' | 'InvalidPeerShareTest'>

function partiesOf(g: ShareGroup, backend: CryptoBackend) {
  const [clientKey, deviceKey] = [hexDecode(g.client_key), hexDecode(g.device_key)]
  return { pin: g.pin, clientKey, deviceKey, backend }
}

function runGroup(t: Test, g: Group, backend: CryptoBackend): number {
  switch (g.type) {
    case 'PasswordScalarTest': return passwordScalarTest(t, g)
    case 'PinRuleTest': return pinRuleTest(t, g)
    case 'PairingTest': return pairingTest(t, g, backend)
    case 'ConfirmationTest': return confirmationTest(t, g, backend)
    case 'InvalidShareTest': return invalidShareTest(t, g, backend)
    case 'InvalidPeerShareTest': return invalidPeerShareTest(t, g, backend)
    default: t.fail(`unknown group type ${(g as { type: string }).type}`); return 0
  }
}

for (const backend of await availableBackends()) {
  t.test(`pairing.json under the ${backend.name} backend`, async (t) => {
    let count = 0
    for (const group of file.testGroups) count += runGroup(t, group, backend)
    t.equal(count, EXPECTED_TESTS, 'vectors run')
    t.equal(count, file.numberOfTests)
  })
}
