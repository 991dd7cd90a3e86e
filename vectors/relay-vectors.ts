/**
 * vectors/relay.json (spec §15): slot claims a relay accepts or closes with claim-refused
 * (§15.3), and device-link frames with their decoding or a 4400 close (§15.4). Inputs come from
 * seeds.ts; Ed25519 is deterministic (RFC 8032 §5.1.6), so the signatures are fixed bytes.
 */
import { nobleBackend } from '../protocol/crypto/index.ts'
import { hexEncode } from '../protocol/encoding.ts'
import { deviceIdOf } from '../protocol/ids.ts'
import { claimMessage, encodeRelayFrame, openBody } from '../protocol/relay.ts'
import { CLOSES, LABELS, SIZES } from '../protocol/registry.ts'
import { RELAY_ALGORITHM, type RelayVectorFile } from '../schemas/src/vectors.ts'
import { fixedBytes } from './seeds.ts'
import { finishVectorFile, type Note } from './vector-file.ts'

const backend = nobleBackend
const HOST = 'relay.example:8787'

const NOTES: Record<string, Note> = {
  WrongHost: { bugType: 'MODIFIED_PARAMETER', description: 'The claim was signed over another relay authority: a relay that skips the host binding lets another relay reuse a device\'s answer (§15.3, §13.13).' },
  WrongChallenge: { bugType: 'MODIFIED_PARAMETER', description: 'The claim was signed over another challenge: a relay that does not bind the challenge accepts a replayed claim.' },
  WrongDeviceId: { bugType: 'AUTH_BYPASS', description: 'device_key is a valid key but not the key of the device_id asked for: a relay that skips the fingerprint check lets anyone claim any id.' },
  FlippedSignature: { bugType: 'AUTH_BYPASS', description: 'One bit of the signature is flipped.' },
  NonCanonicalS: { bugType: 'MALLEABILITY', description: 'S + L (the group order) in place of S: RFC 8032 §5.1.7 rejects S >= L.' },
  HostCase: { bugType: 'EDGE_CASE', description: 'The Host header in other case: the claim message lowercases it.' },
  ShortFrame: { bugType: 'EDGE_CASE', description: 'Shorter than the 5-byte header.' },
  UnknownType: { bugType: 'MODIFIED_PARAMETER', description: 'A frame type other than 0x01, 0x02, 0x03.' },
  StreamZero: { bugType: 'EDGE_CASE', description: 'Stream id 0 is never used.' },
}

// Spec §15.3: Ed25519 group order L, little-endian as S is encoded (RFC 8032 §5.1).
const ORDER_L = 2n ** 252n + 27742317777372353535851937790883648493n

function addOrder(signature: Uint8Array): Uint8Array {
  let s = 0n
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!)
  s += ORDER_L
  const out = Uint8Array.from(signature)
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn)
    s >>= 8n
  }
  return out
}

function claimGroup() {
  const seed = fixedBytes('relay device seed')
  const key = backend.ed25519PublicKey(seed)
  const deviceId = deviceIdOf(key, backend)
  const challenge = fixedBytes('relay challenge')
  const otherKey = backend.ed25519PublicKey(fixedBytes('relay other device seed'))
  const sign = (host: string, c: Uint8Array) => backend.ed25519Sign(seed, claimMessage(host, c, deviceId))
  const good = sign(HOST, challenge)
  const base = {
    host: HOST,
    challenge: hexEncode(challenge),
    device_id: deviceId,
    device_key: hexEncode(key),
  }
  const refused = (comment: string, flags: string[], fields: Partial<typeof base> & { signature: Uint8Array }) => ({
    comment,
    flags,
    result: 'invalid' as const,
    requirements: ['pw-relay-15.3-claim-checks'],
    ...base,
    ...fields,
    signature: hexEncode(fields.signature),
    close_code: CLOSES.claimRefused.code,
  })
  const flipped = Uint8Array.from(good)
  flipped[10]! ^= 0x01
  return {
    type: 'RelayClaimTest',
    label: LABELS.relayClaim,
    device_seed: hexEncode(seed),
    tests: [
      {
        comment: 'a valid claim',
        flags: [],
        result: 'valid' as const,
        requirements: ['pw-relay-15.3-claim-signature', 'pw-relay-15.3-host-bound'],
        ...base,
        signature: hexEncode(good),
        claim_message: hexEncode(claimMessage(HOST, challenge, deviceId)),
      },
      {
        comment: 'the Host header in upper case signs the same lowercased message',
        flags: ['HostCase'],
        result: 'valid' as const,
        requirements: ['pw-relay-15.3-claim-signature'],
        ...base,
        host: HOST.toUpperCase(),
        signature: hexEncode(sign(HOST.toUpperCase(), challenge)),
        claim_message: hexEncode(claimMessage(HOST.toUpperCase(), challenge, deviceId)),
      },
      refused('signed for another relay', ['WrongHost'], { signature: sign('evil.example', challenge) }),
      refused('signed over another challenge', ['WrongChallenge'], { signature: sign(HOST, fixedBytes('relay other challenge')) }),
      refused('device_key of another device', ['WrongDeviceId'], { device_key: hexEncode(otherKey), signature: good }),
      refused('one signature bit flipped', ['FlippedSignature'], { signature: flipped }),
      refused('S + L, non-canonical', ['NonCanonicalS'], { signature: addOrder(good) }),
    ],
  }
}

function frameGroup() {
  const source = fixedBytes('relay source tag').subarray(0, SIZES.relaySourceTag)
  const valid = (comment: string, type: 'open' | 'data' | 'end', stream: number, body: Uint8Array) => ({
    comment,
    flags: [],
    result: 'valid' as const,
    requirements: ['pw-relay-15.4-open-first'],
    frame: hexEncode(encodeRelayFrame(type, stream, body)),
    type,
    stream,
    body: hexEncode(body),
  })
  const invalid = (comment: string, flags: string[], frame: Uint8Array) => ({
    comment,
    flags,
    result: 'invalid' as const,
    requirements: ['pw-relay-15.4-link-frames'],
    frame: hexEncode(frame),
    close_code: CLOSES.malformedFrame.code,
  })
  return {
    type: 'RelayFrameTest',
    tests: [
      valid('open of a new stream', 'open', 1, openBody(false, source)),
      valid('open of a resumed stream', 'open', 7, openBody(true, source)),
      valid('data', 'data', 0xffff_ffff, Uint8Array.of(0x47, 0x45, 0x54, 0x20)),
      valid('end', 'end', 2, new Uint8Array(0)),
      invalid('4 bytes', ['ShortFrame'], Uint8Array.of(0x02, 0, 0, 0)),
      invalid('type 0x04', ['UnknownType'], Uint8Array.of(0x04, 0, 0, 0, 1)),
      invalid('stream 0', ['StreamZero'], Uint8Array.of(0x02, 0, 0, 0, 0, 0x41)),
    ],
  }
}

export function relayVectors(): RelayVectorFile {
  return finishVectorFile<RelayVectorFile>({
    name: 'relay-vectors',
    algorithm: RELAY_ALGORITHM,
    source: 'Generated from protocol/relay.ts with the @noble backend; spec §15.3, §15.4.',
    header: [
      'claim_message = "pairwire/1 relay claim" || 0x00 || u8(len(host)) || host || challenge || device_id, host lowercased.',
      `A relay accepts a valid claim and closes the device link with ${CLOSES.claimRefused.code} ${CLOSES.claimRefused.name} on an invalid one.`,
      `A device-link frame is type (1) || stream (u32 BE) || body; an invalid one closes the link with ${CLOSES.malformedFrame.code}.`,
    ],
    notes: NOTES,
    testGroups: [claimGroup(), frameGroup()] as never,
  })
}
