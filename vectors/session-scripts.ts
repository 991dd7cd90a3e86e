/**
 * The scripted sessions of vectors/session.json (spec §7.4 - §7.9): each is a list of frames in
 * both directions with what the receiver must do, written here by hand from the spec's tables;
 * the frames come from honest parties (session-script.ts) and are then replayed, reordered,
 * dropped, altered, cut or sent out of turn.
 */
import { utf8Encode } from '../protocol/encoding.ts'
import { sessionPrologue } from '../protocol/noise/index.ts'
import { CLOSES, METHODS } from '../protocol/registry.ts'
import { LIMIT_RANGES } from '../schemas/src/limits.ts'
import { REQ } from './requirements.ts'
import { handshakeScripts } from './session-handshake-scripts.ts'
import {
  afterHandshake, C2D, CLIENT_NOTIFICATION, close, D2C, deliver, DEVICE_NOTIFICATION, discard,
  ECHO_REQUEST, ECHO_REQUEST_2, ECHO_RESPONSE, ECHO_RESPONSE_2, flipBit, NOT_JSON, PARSE_ERROR,
  rpc, ScriptedSession, TAG, type Meta, type ScriptTest, type SessionParties,
} from './session-script.ts'

/** The smallest max_frame a party may advertise (spec §7.4). */
const SMALL_MAX_FRAME = LIMIT_RANGES.max_frame[0]

/** An echo request whose frame is exactly `frameBytes` long. */
function echoOfFrameSize(frameBytes: number): string {
  const padding = frameBytes - TAG - rpc({ id: 3, method: METHODS.echo, params: [''] }).length
  return rpc({ id: 3, method: METHODS.echo, params: ['a'.repeat(padding)] })
}

const meta = (comment: string, flag: string, requirements?: string[]): Meta => ({
  comment,
  flags: [flag],
  ...(requirements === undefined ? {} : { requirements }),
})

export function validScripts(p: SessionParties): ScriptTest[] {
  const s = new ScriptedSession(p, 'valid exchange')
  const e = new ScriptedSession(p, 'parse error')
  const fromClient = (comment: string, text: string) =>
    deliver(comment, C2D, s.clientFrame(text), text)
  const fromDevice = (comment: string, text: string) =>
    deliver(comment, D2C, s.deviceFrame(text), text)
  return [
    afterHandshake(s, meta('requests, responses and notifications both ways', 'ValidSession'),
      fromClient('echo request', ECHO_REQUEST),
      fromDevice('echo response', ECHO_RESPONSE),
      fromClient('client notification', CLIENT_NOTIFICATION),
      fromDevice('device notification', DEVICE_NOTIFICATION),
      fromClient('second request', ECHO_REQUEST_2),
      fromDevice('second response', ECHO_RESPONSE_2)),
    afterHandshake(e,
      meta('a plaintext that is not JSON is delivered and answered -32700; the session stays',
        'JsonRpcError', [REQ.parseError]),
      deliver('not JSON', C2D, e.clientFrame(NOT_JSON), NOT_JSON),
      deliver('parse error response', D2C, e.deviceFrame(PARSE_ERROR), PARSE_ERROR)),
  ]
}

const authFailure = [REQ.authFailure, REQ.noDeliveryAfterFailure]
const fail = CLOSES.frameAuthFailed

function counterScripts(p: SessionParties): ScriptTest[] {
  const replay = new ScriptedSession(p, 'replayed frame')
  const r0 = replay.clientFrame(ECHO_REQUEST)
  const reorder = new ScriptedSession(p, 'reordered frames')
  const [o0, o1] = [reorder.clientFrame(ECHO_REQUEST), reorder.clientFrame(CLIENT_NOTIFICATION)]
  const drop = new ScriptedSession(p, 'dropped frame')
  const d = [ECHO_REQUEST, CLIENT_NOTIFICATION, ECHO_REQUEST_2].map((m) => drop.clientFrame(m))
  const again = new ScriptedSession(p, 'message 1 replayed')
  return [
    afterHandshake(replay, meta('frame 0 sent twice', 'ReplayedFrame', authFailure),
      deliver('frame 0', C2D, r0, ECHO_REQUEST),
      close('frame 0 again', C2D, r0, fail),
      discard('frame 1, after the close', C2D, replay.clientFrame(CLIENT_NOTIFICATION))),
    afterHandshake(reorder, meta('frame 1 before frame 0', 'ReorderedFrames', authFailure),
      close('frame 1 first', C2D, o1, fail),
      discard('frame 0, which would authenticate, after the close', C2D, o0)),
    afterHandshake(drop, meta('frame 1 lost in transit', 'DroppedFrame', authFailure),
      deliver('frame 0', C2D, d[0]!, ECHO_REQUEST),
      close('frame 2 where frame 1 is expected', C2D, d[2]!, fail)),
    afterHandshake(again,
      meta('message 1 sent again after the handshake', 'ReplayedHandshake', authFailure),
      close('message 1 as a transport frame', C2D, again.m1, fail)),
  ]
}

function tamperScripts(p: SessionParties): ScriptTest[] {
  const ct = new ScriptedSession(p, 'flipped ciphertext')
  const tag = new ScriptedSession(p, 'flipped tag')
  const cut = new ScriptedSession(p, 'truncated frame')
  const dev = new ScriptedSession(p, 'device frame flipped')
  const f = ct.clientFrame(ECHO_REQUEST)
  return [
    afterHandshake(ct, meta('first ciphertext bit flipped', 'BitFlip', authFailure),
      close('frame 0 with byte 0 changed', C2D, flipBit(f, 0), fail),
      discard('the genuine frame 0, after the close', C2D, f)),
    afterHandshake(tag, meta('last tag bit flipped', 'BitFlip', authFailure),
      close('frame 0 with its last byte changed', C2D,
        flipBit(tag.clientFrame(ECHO_REQUEST), -1), fail)),
    afterHandshake(cut, meta('frame without its last byte', 'TruncatedFrame', authFailure),
      close('frame 0 cut by one byte', C2D, cut.clientFrame(ECHO_REQUEST).slice(0, -1), fail)),
    afterHandshake(dev,
      meta('the client detects an altered device frame', 'BitFlip', [...authFailure,
        REQ.clientCodes]),
      close('device frame 0 with byte 0 changed', D2C,
        flipBit(dev.deviceFrame(ECHO_RESPONSE), 0), fail)),
  ]
}

function framingScripts(p: SessionParties): ScriptTest[] {
  const short = new ScriptedSession(p, 'frame shorter than a tag')
  const empty = new ScriptedSession(p, 'empty frame')
  const text = new ScriptedSession(p, 'text frame')
  const big = new ScriptedSession(p, 'oversize frame', { deviceMaxFrame: SMALL_MAX_FRAME })
  const bigD = new ScriptedSession(p, 'oversize device frame', { clientMaxFrame: SMALL_MAX_FRAME })
  const bigText = new ScriptedSession(p, 'oversize text frame', { deviceMaxFrame: SMALL_MAX_FRAME })
  const atLimit = echoOfFrameSize(SMALL_MAX_FRAME)
  const malformed = CLOSES.malformedFrame
  return [
    afterHandshake(short,
      meta('15 bytes where a transport message is expected', 'ShortFrame', [REQ.shortFrame]),
      close('frame 0 cut to 15 bytes', C2D, short.clientFrame(ECHO_REQUEST).slice(0, TAG - 1),
        malformed)),
    afterHandshake(empty, meta('an empty binary frame', 'ShortFrame', [REQ.shortFrame]),
      close('empty frame', C2D, new Uint8Array(0), malformed)),
    afterHandshake(text, meta('a text frame after the handshake', 'TextFrame', [REQ.binaryOnly]),
      close('JSON-RPC request as a text frame', C2D, utf8Encode(ECHO_REQUEST), malformed,
        { text: true })),
    afterHandshake(big,
      meta('device max_frame 1024: a frame of 1024 bytes, then one of 1025', 'OversizeFrame',
        [REQ.oversize]),
      deliver('frame of exactly max_frame bytes', C2D, big.clientFrame(atLimit), atLimit),
      close('frame of max_frame + 1 bytes', C2D, big.clientFrame(atLimit + ' '),
        CLOSES.frameTooLarge)),
    // Spec §7.5 pw-sess-7.5-check-order: the length is judged before the frame type.
    afterHandshake(bigText,
      meta('device max_frame 1024: a text frame of 1025 bytes is oversize first', 'OversizeFrame',
        [REQ.oversize, REQ.checkOrder]),
      close('text frame of max_frame + 1 bytes', C2D, utf8Encode(atLimit + ' ' + ' '.repeat(TAG)),
        CLOSES.frameTooLarge, { text: true })),
    afterHandshake(bigD,
      meta('client max_frame 1024: the device sends 1025 bytes', 'OversizeFrame',
        [REQ.clientCodes]),
      close('device frame of max_frame + 1 bytes', D2C, bigD.deviceFrame(atLimit + ' '),
        CLOSES.frameTooLarge)),
  ]
}

/** Every scripted session for one pair of parties; `other` is another paired client. */
export function sessionScripts(
  p: SessionParties,
  other: { psk: Uint8Array; clientId: string },
): ScriptTest[] {
  const otherPrologue = sessionPrologue(other.clientId, p.deviceId)
  return [
    ...validScripts(p),
    ...counterScripts(p),
    ...tamperScripts(p),
    ...framingScripts(p),
    ...handshakeScripts(p, { psk: other.psk, prologue: otherPrologue }),
  ]
}
