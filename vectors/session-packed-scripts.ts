/**
 * The scripted sessions of packed plaintexts (spec §7.10): a JSON text sequence (RFC 7464 §2) of
 * JSON-RPC objects in one transport message, sent only to a party whose handshake payload has
 * json_seq. Each packed step lists, by hand from §7.10, the plaintexts its receiver processes
 * (`elements`); the device's answers follow in the next step, packed when the client accepts it.
 */
import { utf8Decode, utf8Encode } from '../protocol/encoding.ts'
import { packTexts } from '../protocol/json-seq.ts'
import { METHODS, RPC_ERRORS, SIZES } from '../protocol/registry.ts'
import { REQ } from './requirements.ts'
import {
  afterHandshake, C2D, CLIENT_NOTIFICATION, D2C, deliver, DEVICE_NOTIFICATION, ECHO_REQUEST,
  ECHO_REQUEST_2, ECHO_RESPONSE, ECHO_RESPONSE_2, NOT_JSON, PARSE_ERROR, rpc, ScriptedSession,
  type Meta, type ScriptOptions, type ScriptTest, type SessionParties, type Step,
} from './session-script.ts'

/** RFC 7464 §2: each element is RS, the JSON text, LF; §7.10 splits at RS and keeps the LF. */
const RS = '\u001e'
const element = (text: string): string => `${text}\n`
const packed = (texts: readonly string[]): string =>
  utf8Decode(packTexts(texts.map((text) => utf8Encode(text))))

const INVALID_REQUEST = rpc({ id: null, error: RPC_ERRORS.invalidRequest })
// Spec §7.6 pw-sess-7.6-no-batch: a JSON array is answered -32600, inside a packed plaintext too.
const BATCH = `[${ECHO_REQUEST}]`
const LIMIT = SIZES.jsonSeqMaxElements

const echoRequests = (first: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => rpc({ id: first + i, method: METHODS.echo, params: [i] }))
const echoResponses = (first: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => rpc({ id: first + i, result: [i] }))

const BOTH_WAYS: ScriptOptions = { clientJsonSeq: true, deviceJsonSeq: true }

const meta = (comment: string, flag: string, requirements: string[]): Meta =>
  ({ comment, flags: [flag], requirements })

/** The next frame of `direction`'s sender with `plaintext`. */
const frameOf = (s: ScriptedSession, direction: typeof C2D | typeof D2C, plaintext: string) =>
  direction === C2D ? s.clientFrame(plaintext) : s.deviceFrame(plaintext)

/** A frame to a receiver that accepted json_seq: `texts` packed, each processed in order. */
function packedStep(
  s: ScriptedSession,
  comment: string,
  direction: typeof C2D | typeof D2C,
  texts: readonly string[],
): Step {
  const plaintext = packed(texts)
  return deliver(comment, direction, frameOf(s, direction, plaintext), plaintext,
    texts.map(element))
}

/** A frame of one JSON-RPC object (spec §7.6). */
const single = (s: ScriptedSession, comment: string, direction: typeof C2D | typeof D2C,
  text: string): Step => deliver(comment, direction, frameOf(s, direction, text), text)

function acceptedScripts(p: SessionParties): ScriptTest[] {
  const both = new ScriptedSession(p, 'packed both ways', BOTH_WAYS)
  const mixed = new ScriptedSession(p, 'packed elements that fail', BOTH_WAYS)
  const empty = new ScriptedSession(p, 'packed empty elements', BOTH_WAYS)
  // RFC 7464 §2.1: two RS in a row, and an RS at the end, delimit empty elements: none.
  const withEmpty = `${RS}${RS}${element(ECHO_REQUEST)}${RS}${RS}${element(ECHO_REQUEST_2)}${RS}`
  return [
    afterHandshake(both,
      meta('json_seq offered and answered: requests, a notification and responses packed both ways',
        'PackedPlaintext', [REQ.answerOnlyOffers, REQ.deviceElements, REQ.clientElements]),
      packedStep(both, 'a request, a notification and a request in one frame', C2D,
        [ECHO_REQUEST, CLIENT_NOTIFICATION, ECHO_REQUEST_2]),
      packedStep(both, 'the two responses around a notification in one frame', D2C,
        [ECHO_RESPONSE, DEVICE_NOTIFICATION, ECHO_RESPONSE_2])),
    afterHandshake(mixed,
      meta('each element is processed as a plaintext of its own: not JSON -32700, an array -32600',
        'PackedElementErrors', [REQ.deviceElements, REQ.parseError, REQ.noBatch]),
      packedStep(mixed, 'a request, a notification, not JSON, an array, a request', C2D,
        [ECHO_REQUEST, CLIENT_NOTIFICATION, NOT_JSON, BATCH, ECHO_REQUEST_2]),
      packedStep(mixed, 'the four answers in order: a result, -32700, -32600, a result', D2C,
        [ECHO_RESPONSE, PARSE_ERROR, INVALID_REQUEST, ECHO_RESPONSE_2])),
    afterHandshake(empty,
      meta('empty elements (RS RS, a final RS) are no elements (RFC 7464 §2.1)', 'EmptyElement',
        [REQ.deviceElements]),
      deliver('two requests between empty elements', C2D, empty.clientFrame(withEmpty), withEmpty,
        [element(ECHO_REQUEST), element(ECHO_REQUEST_2)]),
      packedStep(empty, 'the two responses', D2C, [ECHO_RESPONSE, ECHO_RESPONSE_2])),
  ]
}

function limitScript(p: SessionParties): ScriptTest {
  const s = new ScriptedSession(p, 'packed element limit', BOTH_WAYS)
  const tooMany = packed(echoRequests(LIMIT + 1, LIMIT + 1))
  return afterHandshake(s,
    meta(`${LIMIT} elements are processed; ${LIMIT + 1} are answered by one -32600 id null and ` +
      'none of them is processed', 'TooManyElements',
    [REQ.tooManyElements, REQ.deviceElements, REQ.clientElements]),
    packedStep(s, `${LIMIT} requests`, C2D, echoRequests(1, LIMIT)),
    packedStep(s, `their ${LIMIT} responses`, D2C, echoResponses(1, LIMIT)),
    deliver(`${LIMIT + 1} requests: none processed`, C2D, s.clientFrame(tooMany), tooMany, []),
    single(s, 'one -32600 with id null', D2C, INVALID_REQUEST))
}

function declinedScripts(p: SessionParties): ScriptTest[] {
  const oneWay = new ScriptedSession(p, 'packed one way', { clientJsonSeq: true })
  const none = new ScriptedSession(p, 'packed without json_seq')
  const unasked = packed([ECHO_REQUEST, ECHO_REQUEST_2])
  return [
    afterHandshake(oneWay,
      meta('the client offers, the device declines: one object per frame to the device, ' +
        'packed frames to the client', 'OneWayPacking',
      [REQ.onlyWhenAccepted, REQ.answerOnlyOffers, REQ.clientElements]),
      single(oneWay, 'a request in its own frame', C2D, ECHO_REQUEST),
      single(oneWay, 'the next request in its own frame', C2D, ECHO_REQUEST_2),
      packedStep(oneWay, 'both responses in one frame', D2C, [ECHO_RESPONSE, ECHO_RESPONSE_2])),
    afterHandshake(none,
      meta('no json_seq in either payload: a packed plaintext is one plaintext, not JSON (RS), ' +
        'answered by one -32700', 'PackedNotAccepted', [REQ.parseError]),
      deliver('two requests packed: one plaintext', C2D, none.clientFrame(unasked), unasked,
        [unasked]),
      single(none, 'one -32700 with id null', D2C, PARSE_ERROR)),
  ]
}

/** Every packed-plaintext script for one pair of parties. */
export function packedScripts(p: SessionParties): ScriptTest[] {
  return [...acceptedScripts(p), limitScript(p), ...declinedScripts(p)]
}
