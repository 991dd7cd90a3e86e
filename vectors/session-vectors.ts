/**
 * Builds vectors/session.json (spec §7): whole scripted sessions of
 * Noise_NNpsk0_25519_AESGCM_SHA256 with the Pairwire prologue, psk = a pairing key of
 * pairing.json, fixed ephemerals, and for every frame the receiver's expected outcome.
 */
import { hexEncode } from '../protocol/encoding.ts'
import { sessionPrologue } from '../protocol/noise/index.ts'
import { CLOSES, LIMIT_DEFAULTS, SIZES } from '../protocol/registry.ts'
import { SESSION_ALGORITHM, type SessionVectorFile } from '../schemas/src/vectors.ts'
import { PAIRINGS, pairingFields, pairingKeyOf, type PairingInput } from './pairing-vectors.ts'
import { REQ } from './requirements.ts'
import type { SessionParties } from './session-script.ts'
import { packedScripts } from './session-packed-scripts.ts'
import { sessionScripts, validScripts } from './session-scripts.ts'
import { finishVectorFile, type GroupDraft, type Note } from './vector-file.ts'

type Draft = GroupDraft<SessionVectorFile['testGroups'][number]>

const HEADER = [
  'Pairwire 1 sessions (spec §7.3 - §7.9): Noise_NNpsk0_25519_AESGCM_SHA256 (Noise rev 34),',
  'initiator = client, responder = device, psk = the pairing key (pairing.json, same parties),',
  'prologue = LP("pairwire/1 session") || LP(client_id) || LP(device_id), LP = 8-byte LE length.',
  'Binary values are lowercase hex. *_ephemeral are X25519 private keys (RFC 7748), fixed here so',
  'that frames can be checked; client_psk and client_prologue, when present, replace the group\'s',
  'for the client only. client_max_frame and device_max_frame are the largest frame each side',
  'accepts. Payloads and plaintexts are UTF-8 JSON text, shown as strings.',
  'Each step is one WebSocket message, in order, with what its receiver must do: "deliver" (accept',
  'it and hand over plaintext: the handshake payload for messages 1 and 2, else the JSON-RPC',
  'text), "close" (send a Close frame with close_code and close_reason and deliver nothing of it),',
  'or "discard" (the receiver has closed: the frame is never processed).',
  `Receiver order of checks (spec §7.5): closed -> discard; longer than its max_frame -> ${CLOSES.frameTooLarge.code}; text -> ${CLOSES.malformedFrame.code};`,
  `shorter than 48 bytes (handshake) or 16 bytes (transport) -> ${CLOSES.malformedFrame.code}; Noise failure -> ${CLOSES.handshakeFailed.code}`,
  `(handshake) or ${CLOSES.frameAuthFailed.code} (transport); message 1 payload v an integer other than 1 -> ${CLOSES.unsupportedVersion.code}; other`,
  `invalid payload -> ${CLOSES.handshakeFailed.code}; the device writing message 2 with an all-zero DH(e, re) -> ${CLOSES.handshakeFailed.code}.`,
  'handshake_hash is h after message 2, present when both sides processed message 2 without a',
  'Noise failure (its payload may still be refused).',
  'Packed plaintexts (spec §7.10): a party accepts them when its own handshake payload has',
  '"json_seq": true (the client offers in message 1, the device answers only an offer). A',
  'transport plaintext whose first byte is RS (U+001E) is packed; its step has "elements", the',
  'plaintexts the receiver processes from it, in order, each as the plaintext of a frame of its',
  'own (§7.6). A receiver that accepts them: the bytes after each RS up to the next RS or the',
  `end (LF kept), empty ones left out, or none if they are more than ${SIZES.jsonSeqMaxElements} (the device answers`,
  'one -32600 with id null). A receiver that does not: the whole plaintext as one (the device',
  'answers -32700). The device\'s answers are the next steps, in the order of what it processed;',
  'another device may pack them otherwise (§7.10) and answer requests in any order (§7.6).',
]

const note = (bugType: Note['bugType'], description: string): Note => ({ bugType, description })

const NOTES: Record<string, Note> = {
  ValidSession: note(
    'BASIC',
    'Requests, responses and notifications both ways after the handshake.',
  ),
  JsonRpcError: note(
    'FUNCTIONALITY',
    'Bad JSON in an authentic frame is a JSON-RPC error, not a close.',
  ),
  ReplayedFrame: note(
    'AUTH_BYPASS',
    'A frame received twice; catches receivers without a counter.',
  ),
  ReorderedFrames: note('AUTH_BYPASS', 'Frames out of order; catches nonces taken from the frame.'),
  DroppedFrame: note('AUTH_BYPASS', 'A frame is missing; the next one MUST fail authentication.'),
  ReplayedHandshake: note('AUTH_BYPASS', 'Message 1 again after the handshake is a failed frame.'),
  BitFlip: note(
    'MALLEABILITY',
    'One bit of ciphertext or tag changed; catches a missing tag check.',
  ),
  TruncatedFrame: note('MALLEABILITY', 'A frame cut short; catches tag checks on partial input.'),
  ShortFrame: note('EDGE_CASE', `Too short for the Noise message expected: ${CLOSES.malformedFrame.code}, not a crash.`),
  TextFrame: note(
    'MODIFIED_PARAMETER',
    'A text WebSocket message: every Pairwire frame is binary.',
  ),
  OversizeFrame: note('EDGE_CASE', `Exactly max_frame is accepted, one byte more closes ${CLOSES.frameTooLarge.code}.`),
  WrongPsk: note('AUTH_BYPASS', 'Another pairing key; catches a device that ignores the psk.'),
  WrongPrologue: note(
    'AUTH_BYPASS',
    'Another client_id in the prologue; binds the session to ids.',
  ),
  TamperedHandshake: note('MALLEABILITY', `A handshake message altered or cut: ${CLOSES.handshakeFailed.code}.`),
  UnsupportedVersion: note('MODIFIED_PARAMETER', `Message 1 payload with v = 2 closes ${CLOSES.unsupportedVersion.code}.`),
  InvalidPayload: note('MODIFIED_PARAMETER', `A handshake payload that fails its schema: ${CLOSES.handshakeFailed.code}.`),
  LowOrderEphemeral: note(
    'EDGE_CASE',
    'A low-order e makes DH(e, re) all zero; Pairwire requires rejecting it (Noise §12.1).',
  ),
  FrameBeforeMessage2: note(
    'MISSING_STEP',
    'The device sends something other than message 2 first; the client MUST close.',
  ),
  PackedPlaintext: note(
    'BASIC',
    'json_seq offered and answered; packed plaintexts both ways are processed element by element.',
  ),
  PackedElementErrors: note(
    'FUNCTIONALITY',
    'A bad element is answered on its own (-32700, -32600); catches parsing the whole sequence.',
  ),
  EmptyElement: note(
    'EDGE_CASE',
    'RS RS and a final RS delimit empty elements, which are none (RFC 7464 §2.1), not -32700.',
  ),
  TooManyElements: note(
    'EDGE_CASE',
    `${SIZES.jsonSeqMaxElements} elements are processed; one more is one -32600 and none processed.`,
  ),
  OneWayPacking: note(
    'MODIFIED_PARAMETER',
    'Only the receiver\'s own json_seq allows packing to it; catches packing on the peer\'s offer.',
  ),
  PackedNotAccepted: note(
    'MODIFIED_PARAMETER',
    'Without json_seq a packed plaintext is one non-JSON plaintext (-32700); catches splitting it.',
  ),
}


/** The session parties of a pairing of pairing.json: its ids, prologue and pairing key. */
export function sessionParties(label: string, pairing: PairingInput): SessionParties {
  const { client_id: clientId, device_id: deviceId } = pairingFields(pairing)
  return {
    label,
    clientId,
    deviceId,
    prologue: sessionPrologue(clientId, deviceId),
    psk: pairingKeyOf(pairing),
  }
}

type Test = Draft['tests'][number]

// Spec §7.5 pw-sess-7.5-short-frame: the shortest message 1 (e and a tag) and transport message.
const SHORTEST_MESSAGE_1 = SIZES.x25519Key + SIZES.aeadTag
const SHORTEST_TRANSPORT = SIZES.aeadTag

/**
 * A script a harness can replay against any device: after at most message 1 (which the harness
 * makes itself with the device's pairing key), the device's first close answers a frame it must
 * refuse with no key (a text message or a frame too short for the message expected), at the
 * default max_frame. Such a frame means the same whatever the keys of the session.
 */
function replayableOnDevice(test: Test): boolean {
  if (test.device_max_frame !== LIMIT_DEFAULTS.max_frame) return false
  const toDevice = test.steps.filter((s) => s.direction === 'client-to-device')
  const closing = toDevice.findIndex((s) => s.outcome === 'close')
  if (closing < 0 || closing > 1 || (closing === 1 && toDevice[0]!.outcome !== 'deliver')) return false
  const step = toDevice[closing]!
  const shortest = closing === 0 ? SHORTEST_MESSAGE_1 : SHORTEST_TRANSPORT
  return step.kind === 'text' || step.frame.length / 2 < shortest
}

const WIRE_NOTES = 'Tests with wire: device are replayed against a device: the harness makes message 1 ' +
  'with its own pairing key and client_payload, then sends the closing frame as it is, a text ' +
  'message or a frame too short for the message expected, which any device refuses with no key. ' +
  'The other scripts are not replayed: their frames are sealed with this file\'s psk and ' +
  'ephemerals, which no live device shares (its ephemeral is fresh, spec §13.3), or need a ' +
  'max_frame other than the default; cases 7.5-frame-sequences, 7.4-handshake-failed and ' +
  '7.5-oversize re-create them with the keys of a live session.'

const PACKED_WIRE_NOTES = 'None of these packed-plaintext scripts (spec §7.10) is replayed on ' +
  'the wire: no frame in them closes, and every frame is sealed with this file\'s psk and ' +
  'ephemerals, which no live device shares. Replaying one means sealing its plaintexts in a live ' +
  'session whose message 1 payload offers json_seq as its client_payload does, and skipping it ' +
  'when the device\'s message 2 payload declines the offer (a device may, spec §7.10).'

function group(p: SessionParties, tests: Draft['tests'], wireNotes = WIRE_NOTES): Draft {
  return {
    type: 'SessionScriptTest',
    requirements: [REQ.noiseProfile, REQ.closeReason],
    wireNotes,
    client_id: p.clientId,
    device_id: p.deviceId,
    prologue: hexEncode(p.prologue),
    psk: hexEncode(p.psk),
    tests: tests.map((t) => (replayableOnDevice(t) ? { ...t, wire: ['device' as const] } : t)),
  }
}

export function sessionVectors(): SessionVectorFile {
  const [first, second] = [PAIRINGS[0]!, PAIRINGS[1]!]
  const main = sessionParties('spec example', first)
  const other = sessionParties('pairing 2', second)
  return finishVectorFile<SessionVectorFile>({
    name: 'session-vectors',
    algorithm: SESSION_ALGORITHM,
    source: 'Pairwire protocol core (protocol/noise) with the @noble backend, fixed inputs',
    header: HEADER,
    notes: NOTES,
    testGroups: [
      group(main, sessionScripts(main, { psk: other.psk, clientId: other.clientId })),
      group(other, validScripts(other)),
      group(main, packedScripts(main), PACKED_WIRE_NOTES),
    ],
  })
}
