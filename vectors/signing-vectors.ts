/**
 * Builds vectors/signing.json (spec §8): signed requests as they reach the device, the device's
 * view (clock, skew, registered clients, replay store), and the verdict of spec §8.7. One group
 * per algorithm; the signer is the client of the spec's worked examples.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { hexEncode } from '../protocol/encoding.ts'
import { requestHmacKey } from '../protocol/httpsig/index.ts'
import { clientIdOf } from '../protocol/ids.ts'
import { LIMIT_DEFAULTS, PATHS, PROBLEMS, problemType } from '../protocol/registry.ts'
import { SIGNING_ALGORITHM, type SigningVectorFile } from '../schemas/src/vectors.ts'
import { PAIRINGS, pairingKeyOf, type PairingInput } from './pairing-vectors.ts'
import { REQ } from './requirements.ts'
import {
  digestAndComponentCases, malformedCases, missingAndKeyCases, orderCases, signatureCases,
  signatureLengthCases,
  timeAndReplayCases, validCases, type SigningContext,
} from './signing-cases.ts'
import { editSignature, flipLastBit } from './signing-mutations.ts'
import { RPC_BODY, signingTest, type Alg, type CaseSpec } from './signing-request.ts'
import { SIGNING_HEADER, SIGNING_NOTES } from './signing-notes.ts'
import { finishVectorFile, type GroupDraft } from './vector-file.ts'

type Draft = GroupDraft<SigningVectorFile['testGroups'][number]>

const b = nobleBackend
const SKEW = LIMIT_DEFAULTS.skew


interface Client {
  clientId: string
  seed: Uint8Array
  publicKey: Uint8Array
  pairingKey: Uint8Array
  hmacKey: Uint8Array
}

function client(pairing: PairingInput): Client {
  const publicKey = b.ed25519PublicKey(pairing.clientSeed)
  const pairingKey = pairingKeyOf(pairing)
  return {
    clientId: clientIdOf(publicKey, b),
    seed: pairing.clientSeed,
    publicKey,
    pairingKey,
    hmacKey: requestHmacKey(pairingKey, b),
  }
}

const keyOf = (c: Client, alg: Alg) => ({
  alg,
  key: alg === 'ed25519' ? c.seed : c.hmacKey,
  keyid: c.clientId,
})

/** The spec's example parties sign; pairing 2's client is also registered, pairing 3's is not. */
function context(alg: Alg): { ctx: SigningContext; main: Client; other: Client } {
  const [main, other, stranger] = [0, 1, 2].map((i) => client(PAIRINGS[i]!)) as [
    Client,
    Client,
    Client,
  ]
  const crossAlg: Alg = alg === 'ed25519' ? 'hmac-sha256' : 'ed25519'
  return {
    ctx: {
      signer: keyOf(main, alg),
      other: keyOf(other, alg),
      stranger: keyOf(stranger, alg),
      crossAlg: keyOf(main, crossAlg),
      skew: SKEW,
    },
    main,
    other,
  }
}

const REQ_BY_PROBLEM: Record<string, string> = {
  [PROBLEMS.signatureMissing.name]: REQ.signatureMissing,
  [PROBLEMS.malformedSignature.name]: REQ.malformedSignature,
  [PROBLEMS.missingComponent.name]: REQ.missingComponent,
  [PROBLEMS.unsupportedAlgorithm.name]: REQ.unsupportedAlgorithm,
  [PROBLEMS.digestMismatch.name]: REQ.digestMismatch,
  [PROBLEMS.unknownKey.name]: REQ.unknownKey,
  [PROBLEMS.signatureInvalid.name]: REQ.signatureInvalid,
  [PROBLEMS.clockSkew.name]: REQ.clockSkew,
  [PROBLEMS.replayedNonce.name]: REQ.replayedNonce,
}

/** A case's requirements: its own, plus the step of spec §8.7 that gives its verdict. */
function withRequirements(spec: CaseSpec): CaseSpec {
  const own = spec.requirements ?? []
  const step = spec.expect === 'valid' ? [] : [REQ_BY_PROBLEM[spec.expect.name]!]
  const all = [...new Set([...step, ...own])]
  return all.length === 0 ? spec : { ...spec, requirements: all }
}

/**
 * Verdicts a device reaches with no key and no clock (spec §8.7 steps 1-6), and unknown-key for a
 * keyid the device never registered: the same on any device, so a harness replays these tests as
 * they are. Every other verdict depends on this file's clients, clock and replay store.
 */
const KEYLESS = new Set([PROBLEMS.signatureMissing, PROBLEMS.malformedSignature,
  PROBLEMS.missingComponent, PROBLEMS.unsupportedAlgorithm, PROBLEMS.digestMismatch,
  PROBLEMS.unknownKey].map(problemType))

const WIRE_NOTES = 'Tests with wire: device are replayed against a device as they are (its own ' +
  'Host, the vector path, headers and body): their verdict needs no key and no clock (spec §8.7 ' +
  'steps 1-6) or names a keyid no device registered (unknown-key). The others are not replayed: ' +
  "their signatures cover this file's @target-uri and keys, and their verdicts depend on this " +
  "file's now and replay store; cases 8.7-signature-invalid, 8.7-clock-skew, 8.7-replayed-nonce " +
  'and 8.2-any-parameter-order re-create them with a paired client and the clock of the device.'

function onTheWire<T extends { result: string; problem?: string }>(test: T): T {
  return test.problem !== undefined && KEYLESS.has(test.problem)
    ? { ...test, wire: ['device' as const] }
    : test
}

function group(alg: Alg, cases: CaseSpec[], parties: ReturnType<typeof context>): Draft {
  const { ctx, main, other } = parties
  const registered = [main, other].map((c) => ({
    client_id: c.clientId,
    client_key: hexEncode(c.publicKey),
    hmac_key: hexEncode(c.hmacKey),
  }))
  return {
    type: 'SignedRequestTest',
    requirements: alg === 'ed25519' ? [REQ.bothAlgorithms] : [REQ.bothAlgorithms, REQ.hmacKey],
    skew: SKEW,
    signer: {
      client_id: main.clientId,
      client_seed: hexEncode(main.seed),
      pairing_key: hexEncode(main.pairingKey),
      hmac_key: hexEncode(main.hmacKey),
    },
    clients: registered,
    wireNotes: WIRE_NOTES,
    tests: cases.map((spec) => onTheWire(
      signingTest(withRequirements(spec), ctx.signer, `${alg} ${spec.comment}`))),
  }
}

function ed25519Group(): Draft {
  const parties = context('ed25519')
  const { ctx } = parties
  const example: CaseSpec = {
    comment: 'spec §8.6 example: POST /pairwire/v1/tickets',
    flags: ['SpecExample'],
    params: { nonce: 'kD4xwK2ZJ5Hn0p8mVq3sLA' },
    requirements: [REQ.coveredComponents, REQ.parameters, REQ.contentDigest],
    expect: 'valid',
  }
  const cases = [example, ...validCases(ctx), ...timeAndReplayCases(ctx),
    ...digestAndComponentCases(), ...malformedCases(ctx), ...missingAndKeyCases(ctx),
    ...signatureCases(ctx), ...orderCases(ctx)]
  return group('ed25519', cases, parties)
}

function hmacGroup(): Draft {
  const parties = context('hmac-sha256')
  const { ctx, main } = parties
  const P = PROBLEMS
  const cases: CaseSpec[] = [
    { comment: 'spec §8.6 example: DELETE /pairwire/v1/clients/self', flags: ['SpecExample'],
      method: 'DELETE', path: PATHS.clientsSelf, params: { nonce: 'Zt1cR8yWbq0eXo5UuNfH2g' },
      expect: 'valid' },
    { comment: 'JSON-RPC request', flags: ['ValidSignature'], path: PATHS.rpc, body: RPC_BODY,
      expect: 'valid' },
    { comment: 'last MAC bit flipped', flags: ['TamperedSignature'],
      mutate: editSignature(flipLastBit), expect: P.signatureInvalid },
    { comment: 'MAC cut to 16 bytes', flags: ['TamperedSignature'],
      mutate: editSignature((s) => s.slice(0, 16)), expect: P.signatureInvalid },
    { comment: 'MAC keyed with the pairing key itself', flags: ['WrongKeyDerivation'],
      signer: { ...ctx.signer, key: main.pairingKey }, expect: P.signatureInvalid },
    { comment: "MAC keyed with another registered client's key", flags: ['WrongKey'],
      signer: { ...ctx.other, keyid: ctx.signer.keyid }, expect: P.signatureInvalid },
    { comment: 'signed with hmac-sha256, labelled ed25519', flags: ['WrongAlgorithm'],
      params: { alg: 'ed25519' }, expect: P.signatureInvalid },
    ...signatureLengthCases([1, 31]),
    ...timeAndReplayCases(ctx),
    { comment: 'keyid of a client that is not registered', flags: ['UnknownKey'],
      signer: ctx.stranger, expect: P.unknownKey },
    // Last, so that adding it renumbered no earlier test.
    { comment: 'signed upgrade (spec §7.2): GET of the session path, no body', flags: ['SignedUpgrade'],
      method: 'GET', path: PATHS.websocket, body: null, requirements: [REQ.signedUpgrade], expect: 'valid' },
  ]
  return group('hmac-sha256', cases, parties)
}

export function signingVectors(): SigningVectorFile {
  return finishVectorFile<SigningVectorFile>({
    name: 'signing-vectors',
    algorithm: SIGNING_ALGORITHM,
    source: 'Pairwire protocol core (protocol/httpsig) with the @noble backend, fixed inputs',
    header: SIGNING_HEADER,
    notes: SIGNING_NOTES,
    testGroups: [ed25519Group(), hmacGroup()],
  })
}
