/**
 * Scripted sessions that fail in the handshake (spec §7.3, §7.4): message 1 under the wrong psk
 * or prologue, cut, altered, with an invalid payload or a low-order ephemeral key, and a device
 * that sends something other than message 2 first.
 */
import { hexDecode, utf8Encode } from '../protocol/encoding.ts'
import { CLOSES, LIMIT_DEFAULTS, PROTOCOL_VERSION, SIZES } from '../protocol/registry.ts'
import { REQ } from './requirements.ts'
import {
  C2D, close, D2C, deliver, DEVICE_NOTIFICATION, discard, flipBit, forgedMessage1, script,
  ScriptedSession, type ScriptTest, type SessionParties,
} from './session-script.ts'

// Noise message 1 is at least e and the tag of its payload (spec §7.5): 48 bytes.
const MIN_MESSAGE = SIZES.x25519Key + SIZES.aeadTag
const v = PROTOCOL_VERSION
const failed = CLOSES.handshakeFailed
const maxFrame = LIMIT_DEFAULTS.max_frame

/** RFC 7748 public keys of small order: X25519 with them gives the all-zero output. */
const LOW_ORDER_KEYS = [
  ['0', '00'.repeat(32)],
  ['of order 8', 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'],
] as const

function message1Scripts(p: SessionParties, other: { psk: Uint8Array; prologue: Uint8Array }) {
  const psk = new ScriptedSession(p, 'wrong psk', { clientPsk: other.psk })
  const prologue = new ScriptedSession(p, 'wrong prologue', { clientPrologue: other.prologue })
  const cut = new ScriptedSession(p, 'message 1 cut')
  const short = new ScriptedSession(p, 'message 1 too short')
  const altered = new ScriptedSession(p, 'message 1 altered')
  const text = new ScriptedSession(p, 'text frame first')
  const meta = (comment: string, flag: string, requirements: string[] = [REQ.handshakeFailed]) =>
    ({ comment, flags: [flag], requirements })
  return [
    script(psk, meta('the client holds another pairing key', 'WrongPsk'), false,
      [close('message 1 under the wrong psk', C2D, psk.m1, failed)]),
    script(prologue, meta('the client names another client_id in the prologue', 'WrongPrologue'),
      false, [close('message 1 under another prologue', C2D, prologue.m1, failed)]),
    script(cut, meta('message 1 without its last byte', 'TamperedHandshake'), false,
      [close('message 1 cut by one byte', C2D, cut.m1.slice(0, -1), failed)]),
    script(short, meta('47 bytes: shorter than e and a tag', 'ShortFrame', [REQ.shortFrame]), false,
      [close('message 1 cut to 47 bytes', C2D, short.m1.slice(0, MIN_MESSAGE - 1),
        CLOSES.malformedFrame)]),
    script(altered, meta('one bit of e changed', 'TamperedHandshake'), false,
      [close('message 1 with byte 0 changed', C2D, flipBit(altered.m1, 0), failed)]),
    script(text, meta('a text frame instead of message 1', 'TextFrame', [REQ.binaryOnly]), false,
      [close('JSON as a text frame', C2D, utf8Encode(text.clientPayload), CLOSES.malformedFrame,
        { text: true })]),
  ]
}

function payloadScripts(p: SessionParties): ScriptTest[] {
  const cases: [string, string, string][] = [
    ['v 2', JSON.stringify({ v: v + 1, max_frame: maxFrame }), 'UnsupportedVersion'],
    ['max_frame below 1024', JSON.stringify({ v, max_frame: 100 }), 'InvalidPayload'],
    ['v as a string', JSON.stringify({ v: String(v), max_frame: maxFrame }), 'InvalidPayload'],
    ['an unknown member', JSON.stringify({ v, max_frame: maxFrame, x: 1 }), 'InvalidPayload'],
    ['not JSON', `{"v":${v},`, 'InvalidPayload'],
  ]
  return cases.map(([what, payload, flag]) => {
    const s = new ScriptedSession(p, `message 1 payload ${what}`, { clientPayload: payload })
    const version = flag === 'UnsupportedVersion'
    return script(s, {
      comment: `message 1 payload with ${what}`,
      flags: [flag],
      requirements: [version ? REQ.unsupportedVersion : REQ.handshakeFailed],
    }, false, [close('message 1', C2D, s.m1, version ? CLOSES.unsupportedVersion : failed)])
  })
}

function lowOrderScripts(p: SessionParties): ScriptTest[] {
  return LOW_ORDER_KEYS.map(([name, key]) => {
    const s = new ScriptedSession(p, `low-order ephemeral ${name}`)
    const m1 = forgedMessage1(p, hexDecode(key), s.clientPayload)
    return script(s, {
      comment: `message 1 with e = the low-order point ${name} (client_ephemeral unused)`,
      flags: ['LowOrderEphemeral'],
      requirements: [REQ.rejectZeroDh],
    }, false, [close('message 1; DH(e, re) of message 2 is all zero', C2D, m1, failed)])
  })
}

function message2Scripts(p: SessionParties): ScriptTest[] {
  const early = new ScriptedSession(p, 'device frame before message 2')
  const earlyText = new ScriptedSession(p, 'device text before message 2')
  const altered = new ScriptedSession(p, 'message 2 altered')
  const badPayload = new ScriptedSession(p, 'message 2 payload invalid', {
    devicePayload: JSON.stringify({ v, session_id: 'short', max_frame: maxFrame,
      ping_interval: LIMIT_DEFAULTS.ping_interval }),
  })
  const before = [REQ.nothingBeforeMessage2, REQ.clientVerifiesMessage2]
  const m1 = (s: ScriptedSession) => deliver('Noise message 1', C2D, s.m1, s.clientPayload)
  return [
    script(early, { comment: 'the device sends a clear JSON-RPC notification first',
      flags: ['FrameBeforeMessage2'], requirements: before }, false, [
      m1(early),
      close('clear notification where message 2 is due', D2C, utf8Encode(DEVICE_NOTIFICATION),
        failed),
      discard('message 2, after the close', D2C, early.m2),
    ]),
    script(earlyText, { comment: 'the device sends a text frame first',
      flags: ['FrameBeforeMessage2'], requirements: [REQ.nothingBeforeMessage2, REQ.clientCodes] },
    false, [
      m1(earlyText),
      close('text frame where message 2 is due', D2C, utf8Encode(DEVICE_NOTIFICATION),
        CLOSES.malformedFrame, { text: true }),
    ]),
    script(altered, { comment: 'message 2 with its last bit flipped', flags: ['TamperedHandshake'],
      requirements: [REQ.clientVerifiesMessage2] }, false, [
      m1(altered),
      close('message 2 with its last byte changed', D2C, flipBit(altered.m2, -1), failed),
    ]),
    script(badPayload, { comment: 'message 2 payload with a session_id of the wrong length',
      flags: ['InvalidPayload'], requirements: [REQ.clientVerifiesMessage2] }, true, [
      m1(badPayload),
      close('message 2', D2C, badPayload.m2, failed),
    ]),
  ]
}

/** Every handshake failure script; `other` holds another client's psk and prologue. */
export function handshakeScripts(
  p: SessionParties,
  other: { psk: Uint8Array; prologue: Uint8Array },
): ScriptTest[] {
  return [...message1Scripts(p, other), ...payloadScripts(p), ...lowOrderScripts(p),
    ...message2Scripts(p)]
}
