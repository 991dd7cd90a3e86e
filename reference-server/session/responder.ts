/**
 * The device's half of the session handshake (spec §7.4): Noise NNpsk0 as responder, psk = the
 * client's pairing key, prologue = sessionPrologue(client_id, device_id). Message 1 and its
 * handshake-client-payload in; message 2 with handshake-device-payload and the transport out, or
 * the close entry that refuses message 1. Sends nothing itself: session.ts owns the socket.
 */
import {
  base64urlDecode,
  base64urlEncode,
  utf8Decode,
  utf8Encode,
} from '../../protocol/encoding.ts'
import { HandshakeState, NoiseTransport, sessionPrologue } from '../../protocol/noise/index.ts'
import { CLOSES, PROTOCOL_VERSION, SIZES, type CloseEntry } from '../../protocol/registry.ts'
import { validateMessage, type Message } from '../../schemas/validate.ts'
import type { ServerContext } from '../context.ts'

/** 16 random bytes identify a session in logs and in message 2 (spec §7.4). */
const SESSION_ID_BYTES = 16

export type Response =
  | {
      readonly ok: true
      readonly message2: Uint8Array
      readonly transport: NoiseTransport
      readonly sessionId: string
      /** The largest frame the client accepts (its payload's max_frame). */
      readonly peerMaxFrame: number
      /** §7.10: the client offered json_seq and the device accepted. */
      readonly packed: boolean
    }
  | {
      readonly ok: false
      readonly close: CloseEntry
      /** A refusal of message 1 itself, which fault explain-handshake-failure-in-clear explains. */
      readonly ofMessage1: boolean
    }

const refused = (close: CloseEntry, ofMessage1 = true): Response => ({ ok: false, close, ofMessage1 })

/** Answers message 1 from the client with `clientId` and `pairingKey` (base64url). */
export function respond(
  message1: Uint8Array,
  ctx: ServerContext,
  clientId: string,
  pairingKey: string,
): Response {
  const noise = new HandshakeState({
    role: 'responder',
    psk: base64urlDecode(pairingKey, SIZES.pairingKey),
    prologue: sessionPrologue(clientId, ctx.identity.deviceId),
    backend: ctx.backend,
  })
  let payload: Uint8Array
  try {
    payload = noise.readMessage(message1)
  } catch {
    return refused(CLOSES.handshakeFailed)
  }
  const accepted = acceptClientPayload(payload)
  if (!accepted.ok) return refused(accepted.close)
  const sessionId = base64urlEncode(ctx.backend.randomBytes(SESSION_ID_BYTES))
  const packed = accepted.payload.json_seq === true && ctx.jsonSeq
  let message2: Uint8Array
  try {
    // Table 7-1: an all-zero ee (a low-order client e) fails here, as message 1's failure.
    message2 = noise.writeMessage(utf8Encode(JSON.stringify(devicePayload(ctx, sessionId, packed))))
  } catch {
    return refused(CLOSES.handshakeFailed, false)
  }
  const transport = new NoiseTransport(noise.split())
  return { ok: true, message2, transport, sessionId, peerMaxFrame: accepted.payload.max_frame, packed }
}

type Accepted =
  | { ok: true; payload: Message<'handshake-client-payload'> }
  | { ok: false; close: CloseEntry }

/** §7.4: message 1's payload, or the close entry refusing it. */
function acceptClientPayload(payload: Uint8Array): Accepted {
  let value: unknown
  try {
    value = JSON.parse(utf8Decode(payload))
  } catch {
    return { ok: false, close: CLOSES.handshakeFailed }
  }
  const checked = validateMessage('handshake-client-payload', value)
  if (checked.ok) return { ok: true, payload: checked.value }
  const unsupported = checked.reason === 'unsupported-version'
  return { ok: false, close: unsupported ? CLOSES.unsupportedVersion : CLOSES.handshakeFailed }
}

function devicePayload(ctx: ServerContext, sessionId: string, packed: boolean) {
  const { max_frame, ping_interval } = ctx.limits
  const payload = { v: PROTOCOL_VERSION, session_id: sessionId, max_frame, ping_interval }
  // §7.10: json_seq answers an offer; the fault answers one that was never made.
  const answer = packed || ctx.faults.has('json-seq-unoffered-answer')
  return answer ? { ...payload, json_seq: true } : payload
}
