/**
 * Builds vectors/pairing.json (spec §5): the PIN rules, w for several PINs, complete pairings with
 * every SPAKE2 intermediate (RFC 9382 §3.3, §4) and the pairing key (spec §5.6), failed
 * confirmations, and shares a device or a client must refuse. Computed with the protocol core's
 * public API and the @noble backend from the fixed inputs of seeds.ts.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { hexDecode, hexEncode } from '../protocol/encoding.ts'
import { clientIdOf, deviceIdOf } from '../protocol/ids.ts'
import { LABELS, PROBLEMS, SIZES } from '../protocol/registry.ts'
import {
  computeShare,
  confirmationMac,
  derivePairingKey,
  keySchedule,
  PAIRING_AAD,
  passwordScalar,
  scalarToBytes,
  sharedPoint,
  transcript,
  validatePin,
} from '../protocol/spake2/index.ts'
import { PAIRING_ALGORITHM, type PairingVectorFile } from '../schemas/src/vectors.ts'
import { PAIRING_HEADER, PAIRING_NOTES, PIN_CASES } from './pairing-notes.ts'
import { identityShare, malformedShares, type ShareCase } from './pairing-shares.ts'
import { problemFields, REQ } from './requirements.ts'
import { countingBytes, fixedBytes, fixedScalar, GROUP_ORDER, scalarFromHex } from './seeds.ts'
import { finishVectorFile, type GroupDraft } from './vector-file.ts'

type Group = PairingVectorFile['testGroups'][number]
type Draft<T extends Group['type']> = GroupDraft<Extract<Group, { type: T }>>

const b = nobleBackend
const hex = hexEncode
const scalarHex = (s: bigint): string => hex(scalarToBytes(s))

export interface PairingInput {
  comment: string
  flags: string[]
  clientSeed: Uint8Array
  deviceSeed: Uint8Array
  pin: string
  x: bigint
  y: bigint
}

/** The parties and scalars of the worked examples of spec §3.2 and §5.6. */
export const SPEC_EXAMPLE: PairingInput = {
  comment: 'the worked example of spec §3.2 and §5.6',
  flags: ['SpecExample'],
  clientSeed: countingBytes(0x20),
  deviceSeed: countingBytes(0x00),
  pin: '294017',
  x: scalarFromHex('1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef'),
  y: scalarFromHex('0fedcba9876543210fedcba9876543210fedcba9876543210fedcba987654321'),
}

function labelled(n: number, pin: string): PairingInput {
  return {
    comment: `pairing ${n}: seeds and scalars from fixed labels`,
    flags: ['FullPairing'],
    clientSeed: fixedBytes(`pairing ${n} client seed`),
    deviceSeed: fixedBytes(`pairing ${n} device seed`),
    pin: validatePin(pin),
    x: fixedScalar(`pairing ${n} x`),
    y: fixedScalar(`pairing ${n} y`),
  }
}

export const PAIRINGS: readonly PairingInput[] = [
  SPEC_EXAMPLE,
  labelled(2, '480516'),
  labelled(3, '731902'),
  labelled(4, '065283'),
  {
    ...labelled(5, '900000'),
    comment: 'smallest and largest scalars: x = 1, y = n - 1',
    flags: ['EdgeScalar'],
    x: 1n,
    y: GROUP_ORDER - 1n,
  },
]

/** The device's share pB = y·P + w·N (RFC 9382 §3.3). */
function deviceShare(pin: string, y: bigint): Uint8Array {
  return computeShare('B', y, passwordScalar(pin).w)
}

/** The client's view of SPAKE2 (spec §5.5) once it holds the device's pB: pA, K, TT, keys. */
function clientSide(A: Uint8Array, B: Uint8Array, pin: string, x: bigint, pB: Uint8Array) {
  const { w } = passwordScalar(pin)
  const pA = computeShare('A', x, w)
  const K = sharedPoint('A', x, w, pB)
  const TT = transcript({ A, B, pA, pB, K, w })
  return { w, pA, K, TT, ...keySchedule(TT, PAIRING_AAD, b) }
}

const computed = new WeakMap<PairingInput, ReturnType<typeof computePairingFields>>()

/** Every intermediate of one pairing (spec §5.5, §5.6), as the vector's fields. */
export function pairingFields(input: PairingInput): ReturnType<typeof computePairingFields> {
  const fields = computed.get(input) ?? computePairingFields(input)
  computed.set(input, fields)
  return fields
}

function computePairingFields(input: PairingInput) {
  const A = b.ed25519PublicKey(input.clientSeed)
  const B = b.ed25519PublicKey(input.deviceSeed)
  const pB = deviceShare(input.pin, input.y)
  const { w, pA, K, TT, Ke, Ka, KcA, KcB } = clientSide(A, B, input.pin, input.x, pB)
  return {
    client_seed: hex(input.clientSeed),
    client_key: hex(A),
    client_id: clientIdOf(A, b),
    device_seed: hex(input.deviceSeed),
    device_key: hex(B),
    device_id: deviceIdOf(B, b),
    pin: input.pin,
    w: scalarHex(w),
    x: scalarHex(input.x),
    y: scalarHex(input.y),
    pA: hex(pA),
    pB: hex(pB),
    K: hex(K),
    TT: hex(TT),
    Ke: hex(Ke),
    Ka: hex(Ka),
    KcA: hex(KcA),
    KcB: hex(KcB),
    cA: hex(confirmationMac(KcA, TT, b)),
    cB: hex(confirmationMac(KcB, TT, b)),
    pairing_key: hex(derivePairingKey(Ke, b)),
  }
}

/** The pairing key of a pairing, for the session and signing vectors. */
export function pairingKeyOf(input: PairingInput): Uint8Array {
  return hexDecode(pairingFields(input).pairing_key)
}

function passwordScalarGroup(): Draft<'PasswordScalarTest'> {
  return {
    type: 'PasswordScalarTest',
    requirements: [REQ.spake2Profile],
    dst: LABELS.spake2PasswordDst,
    tests: PIN_CASES.map(({ pin, valid, flags, comment }) =>
      valid
        ? { comment, flags, result: 'valid' as const, pin, w: scalarHex(passwordScalar(pin).w) }
        : { comment, flags, result: 'invalid' as const, pin },
    ),
  }
}

const TRIVIAL_PINS = Array.from({ length: 10 }, (_, d) => String(d).repeat(6))
  .concat(['012345', '123456', '234567', '345678', '456789'])
  .concat(['987654', '876543', '765432', '654321', '543210'])
const NEAR_TRIVIAL_PINS = ['012346', '123465', '111112', '211111', '901234', '098765', '135791']

function pinRuleGroup(): Draft<'PinRuleTest'> {
  const trivial = TRIVIAL_PINS.map((pin) => ({
    comment: 'trivial PIN', flags: ['TrivialPin'], result: 'invalid' as const, pin,
  }))
  const accepted = NEAR_TRIVIAL_PINS.map((pin) => ({
    comment: 'close to a trivial PIN but not trivial',
    flags: ['NearTrivialPin'],
    result: 'valid' as const,
    pin: validatePin(pin),
  }))
  return { type: 'PinRuleTest', requirements: [REQ.noTrivialPin], tests: [...trivial, ...accepted] }
}

function pairingGroup(): Draft<'PairingTest'> {
  return {
    type: 'PairingTest',
    requirements: [REQ.idDerivation, REQ.spake2Profile, REQ.pairingKey],
    aad: hex(PAIRING_AAD),
    tests: PAIRINGS.map((input) => ({
      comment: input.comment,
      flags: input.flags,
      result: 'valid' as const,
      ...pairingFields(input),
    })),
  }
}

const confirmationTest = (
  comment: string, flag: string, clientPin: string, tamper: (cA: Uint8Array) => Uint8Array,
) => {
  const { x, y, pin } = SPEC_EXAMPLE
  const A = b.ed25519PublicKey(SPEC_EXAMPLE.clientSeed)
  const B = b.ed25519PublicKey(SPEC_EXAMPLE.deviceSeed)
  const pB = deviceShare(pin, y)
  const client = clientSide(A, B, clientPin, x, pB)
  return {
    comment,
    flags: [flag],
    result: 'invalid' as const,
    client_pin: clientPin,
    device_pin: pin,
    x: scalarHex(x),
    y: scalarHex(y),
    pA: hex(client.pA),
    pB: hex(pB),
    cA: hex(tamper(confirmationMac(client.KcA, client.TT, b))),
    ...problemFields(PROBLEMS.confirmationFailed),
  }
}

function flipLastBit(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  out[out.length - 1]! ^= 1
  return out
}

function confirmationGroup(): Draft<'ConfirmationTest'> {
  const same = (cA: Uint8Array) => cA
  return {
    type: 'ConfirmationTest',
    requirements: [REQ.attemptsRemaining, REQ.cbAfterCa],
    client_key: hex(b.ed25519PublicKey(SPEC_EXAMPLE.clientSeed)),
    device_key: hex(b.ed25519PublicKey(SPEC_EXAMPLE.deviceSeed)),
    tests: [
      confirmationTest('the client typed 294018, one digit off', 'WrongPin', '294018', same),
      confirmationTest('the client typed 924017, two digits swapped', 'WrongPin', '924017', same),
      confirmationTest('right PIN, last bit of cA flipped', 'TamperedConfirmation', '294017',
        flipLastBit),
    ],
  }
}

function shareGroupParams() {
  const f = pairingFields(SPEC_EXAMPLE)
  return { client_key: f.client_key, device_key: f.device_key, pin: f.pin }
}

function invalidShareGroup(): Draft<'InvalidShareTest'> {
  const f = pairingFields(SPEC_EXAMPLE)
  // Spec §5.7 step 2: invalid-share judges 65 bytes; any other decoded length fails the schema
  // of step 1 and gets malformed-request (§2.5, pw-pair-5.7-share-length).
  const refused = (c: ShareCase) => ({
    comment: c.comment, flags: [c.flag], result: 'invalid' as const,
    ...(c.share.length === SIZES.p256UncompressedPoint ? {} : { requirements: [REQ.shareLength] }),
    wire: ['device' as const],
    pA: hex(c.share),
    request: 'pair/start' as const,
    ...problemFields(c.share.length === SIZES.p256UncompressedPoint ? PROBLEMS.invalidShare : PROBLEMS.malformedRequest),
  })
  const identity = identityShare('A', passwordScalar(f.pin).w)
  return {
    type: 'InvalidShareTest',
    requirements: [REQ.invalidShare],
    wireNotes: 'The pair/start tests are replayed against a device as they are (wire: device): the ' +
      'share is judged before the window (spec §5.7 step 2), so no PIN is needed. The pair/finish ' +
      "test is not: pA = w·M needs the device's own PIN; case 5.7-identity-k-no-oracle builds it.",
    ...shareGroupParams(),
    y: f.y,
    tests: [
      ...malformedShares(hexDecode(f.pA)).map(refused),
      {
        comment: `${identity.comment}; pair/start answers 200 as usual, pair/finish fails`,
        flags: [identity.flag],
        result: 'invalid',
        requirements: [REQ.identityKNoOracle],
        pA: hex(identity.share),
        request: 'pair/finish',
        ...problemFields(PROBLEMS.confirmationFailed),
      },
    ],
  }
}

function invalidPeerShareGroup(): Draft<'InvalidPeerShareTest'> {
  const f = pairingFields(SPEC_EXAMPLE)
  const cases = [
    ...malformedShares(hexDecode(f.pB)),
    identityShare('B', passwordScalar(f.pin).w),
  ]
  return {
    type: 'InvalidPeerShareTest',
    requirements: [REQ.clientChecksPb],
    ...shareGroupParams(),
    x: f.x,
    pA: f.pA,
    tests: cases.map((c) => ({
      comment: c.comment, flags: [c.flag], result: 'invalid' as const, pB: hex(c.share),
    })),
  }
}

/** Why a group is not replayed on the wire against a device (spec §14.1). */
const NOT_ON_THE_WIRE: Record<string, string> = {
  PasswordScalarTest: 'Not replayed on the wire: w never crosses it; a device is judged by pairing.',
  PinRuleTest: 'Not replayed on the wire: a device draws its PINs; case 5.2-no-trivial-pin checks the PINs it shows.',
  PairingTest: "Not replayed on the wire: the device draws its own y and PIN; cases 5.5-pairing-succeeds and 5.6-pairing-key pair with the device's PIN.",
  ConfirmationTest: "Not replayed on the wire: cA depends on this file's PIN and y, not the device's; cases 5.4-failure-budget and 5.8-cb-after-ca send wrong and right confirmations.",
  InvalidPeerShareTest: 'Not replayed against a device: a client receives pB; for the client mode, where the harness plays the device.',
}

function withWireNotes<G extends { type: string; wireNotes?: string }>(group: G): G {
  const note = NOT_ON_THE_WIRE[group.type]
  return group.wireNotes !== undefined || note === undefined ? group : { ...group, wireNotes: note }
}

export function pairingVectors(): PairingVectorFile {
  return finishVectorFile<PairingVectorFile>({
    name: 'pairing-vectors',
    algorithm: PAIRING_ALGORITHM,
    source: 'Pairwire protocol core (protocol/spake2) with the @noble backend, fixed inputs',
    header: PAIRING_HEADER,
    notes: PAIRING_NOTES,
    testGroups: [
      passwordScalarGroup(),
      pinRuleGroup(),
      pairingGroup(),
      confirmationGroup(),
      invalidShareGroup(),
      invalidPeerShareGroup(),
    ].map(withWireNotes),
  })
}
