/** Client mode, spec §7: the session as the client runs it (Table 7-2). */
import { CLOSES, LIMIT_DEFAULTS, PATHS, type CloseEntry } from '../../../protocol/registry.ts'
import { CaseFailure, fail, firstFailure, skip } from '../../verdicts.ts'
import {
  ADAPTER_EXIT, clientClosedWith, clientClosedWithCode, exitedWithoutClose, failedVerification, nothingAfterBreak, noResponseDelivered,
  packedOnlyWhenAccepted, reportedClose, succeeded, theSession,
} from '../checks.ts'
import { requestsTo, type FramingFault, type Message2Fault, type SessionStep } from '../device.ts'
import { ECHO, ECHO_PARAMS } from '../model.ts'
import { clientCase, sessionCase } from './common.ts'

const message2 = (id: string, fault: Message2Fault, title: string, close: CloseEntry = CLOSES.handshakeFailed, requirement = 'pw-sess-7.4-client-verifies-message-2') =>
  sessionCase(id, requirement, title, { message2: fault }, (o) => {
    const session = theSession(o)
    return [failedVerification(o, `message 2: ${fault}`), nothingAfterBreak(session), clientClosedWith(session, close)]
  })

const badFrame = (id: string, steps: SessionStep[], title: string, close: CloseEntry, requirement: string) =>
  sessionCase(id, requirement, title, { steps }, (o) => {
    const session = theSession(o)
    return [failedVerification(o, steps.join(', ')), noResponseDelivered(o), clientClosedWith(session, close)]
  })

const deviceClose = (close: CloseEntry, where: 'message-2' | 'response') =>
  sessionCase(`7.9-client-reports-${close.code}`, 'pw-sess-7.9-client-reports-close',
    `a device close ${close.code} ${close.reason} ${where === 'message-2' ? 'in place of message 2' : 'in place of the response'} is reported as that close`,
    where === 'message-2' ? { message2: { close } } : { closeInsteadOfResponse: close },
    (o) => [reportedClose(o, close), noResponseDelivered(o)])

// RFC 6455 §7.4.1: the codes of a failed connection (spec §7.9 pw-sess-7.9-client-framing).
const PROTOCOL_ERROR = 1002
const INVALID_PAYLOAD = 1007

const framing = (fault: FramingFault, title: string, code: number) =>
  sessionCase(`7.9-client-framing-${fault}`, 'pw-sess-7.9-client-framing', title, { framingInsteadOfResponse: fault }, (o) => {
    const session = theSession(o)
    return [exitedWithoutClose(o, ADAPTER_EXIT.verification, `a framing failure of the device (${fault})`), noResponseDelivered(o),
      clientClosedWithCode(session, code)]
  })

// §7.4 pw-sess-7.4-client-gives-up: the device advertises this handshake_timeout and never sends
// message 2. The client's close must come after it (less a margin for a client whose timer
// starts before the upgrade) and well before the default of §4.3, which a client that ignored
// the advertised value would wait.
const GIVE_UP_SECONDS = 2
const GIVE_UP_EARLY_MS = 1000
const GIVE_UP_LATE_MS = 6000

const givesUp = sessionCase('7.4-client-gives-up', 'pw-sess-7.4-client-gives-up',
  `no message 2: the client waits the advertised handshake_timeout (${GIVE_UP_SECONDS} s), closes 1000 normal and reports a timeout`,
  { message2: 'silent', discovery: { rewrite: (d) => ({ ...d, limits: { ...(d['limits'] as object), handshake_timeout: GIVE_UP_SECONDS } }) } },
  (o) => {
    const session = theSession(o)
    // A client that did not read discovery for the call waits the default (§7.4).
    const seconds = requestsTo(o.log, PATHS.discovery).length > 0 ? GIVE_UP_SECONDS : LIMIT_DEFAULTS.handshake_timeout
    const waited = session.clientClose === undefined || session.message1At === undefined ? undefined : session.clientClose.at - session.message1At
    const inTime = waited !== undefined && waited >= seconds * 1000 - GIVE_UP_EARLY_MS && waited <= seconds * 1000 + GIVE_UP_LATE_MS
    return [clientClosedWith(session, CLOSES.normal), exitedWithoutClose(o, ADAPTER_EXIT.usage, 'giving up on message 2 (a timeout)'),
      inTime ? null : fail(`the client did not give up ${seconds} s after message 1`, `${seconds * 1000 - GIVE_UP_EARLY_MS}..${seconds * 1000 + GIVE_UP_LATE_MS} ms`, waited === undefined ? 'no Close' : `${waited} ms`)]
  })

const echoed = (o: Parameters<typeof succeeded>[0], expected: unknown) => {
  const out = o.run.stdoutJson
  return JSON.stringify(out) === JSON.stringify(expected) ? null
    : fail('the client did not print the response as received', expected, out ?? o.run.stdout.slice(0, 300))
}

// §7.10: the harness device accepts the client's json_seq offer and sends its answer as one
// packed plaintext, a notification then the response; packing is optional for a client.
const packedAnswer = sessionCase('7.10-client-elements', 'pw-sess-7.10-client-elements',
  'json_seq offered and accepted, the response packed after a notification in one plaintext: the response is printed',
  { jsonSeq: true }, (o) => {
    const session = theSession(o)
    if (session.jsonSeqAccepted !== true) {
      throw new CaseFailure(skip('the client does not offer json_seq in message 1 (§7.4: packed plaintexts are optional, §7.10)', 'not-supported'))
    }
    return [succeeded(o), echoed(o, session.response)]
  })

// §7.10: the harness device declines every json_seq offer but this case's; a client that packs
// even a lone request regardless is caught here (and in every session case, common.ts).
const packedDeclined = sessionCase('7.10-client-only-when-accepted', 'pw-sess-7.10-only-when-accepted',
  'message 2 without json_seq: the request comes as one JSON text, never as a packed plaintext', {},
  (o) => [succeeded(o), packedOnlyWhenAccepted(o)])

export const sessionCases = [
  sessionCase('7.1-client-session-url', 'pw-sess-7.1-url', 'the session WebSocket is opened at /pairwire/v1/ws with the ticket', {}, (o) => {
    const session = theSession(o)
    return [succeeded(o), session.path === PATHS.websocket && session.ticket !== null && session.ticket !== '' ? null
      : fail('the client opened the session elsewhere or without its ticket', `${PATHS.websocket}?ticket=…`, { path: session.path, ticket: session.ticket !== null })]
  }),
  sessionCase('7.4-client-message-1-first', 'pw-sess-7.4-message-1-first', 'the first frame is a valid Noise message 1 with a valid payload', {}, (o) => {
    const session = theSession(o)
    const payload = session.message1?.payload as { v?: unknown; max_frame?: unknown } | undefined
    const valid = payload?.v === 1 && Number.isInteger(payload.max_frame) && (payload.max_frame as number) >= 1024 && (payload.max_frame as number) <= 65535
    return [succeeded(o), session.frames[0]?.note === 'message 1' && valid ? null
      : fail('the first frame was not a valid message 1', 'message 1 with {"v": 1, "max_frame": 1024..65535}', { first: session.frames[0], payload })]
  }),
  message2('7.4-client-message-2-bit-flip', 'bit-flip', 'a message 2 with one bit flipped closes handshake-failed and sends nothing more'),
  message2('7.4-client-message-2-truncated', 'truncate', 'a message 2 one byte short closes handshake-failed'),
  message2('7.3-client-reject-zero-dh', 'low-order-e',
    'a message 2 whose e is the all-zero (low-order) point, so that ee is all zero, closes handshake-failed',
    CLOSES.handshakeFailed, 'pw-sess-7.3-reject-zero-dh'),
  message2('7.4-client-message-2-foreign', 'foreign', 'a valid message 2 of another handshake closes handshake-failed'),
  message2('7.4-client-message-2-version-2', 'payload-v2', 'a message 2 payload with v 2 closes handshake-failed'),
  message2('7.4-client-message-2-no-session-id', 'payload-missing-session-id', 'a message 2 payload without session_id closes handshake-failed'),
  message2('7.4-client-message-2-unknown-member', 'payload-unknown-member', 'a message 2 payload with an unknown member closes handshake-failed'),
  message2('7.4-client-message-2-small-max-frame', 'payload-small-max-frame', 'a message 2 payload with max_frame 512 closes handshake-failed'),
  message2('7.4-client-message-2-not-json', 'payload-not-json', 'a message 2 payload that is not JSON closes handshake-failed'),
  message2('7.5-client-message-2-text', 'text', 'message 2 as a text frame closes malformed-frame (check order: type before Noise)', CLOSES.malformedFrame, 'pw-sess-7.5-check-order'),
  message2('7.5-client-message-2-text-not-utf8', 'text-not-utf8', 'a text frame that is not UTF-8 in place of message 2 closes malformed-frame, not 1007', CLOSES.malformedFrame, 'pw-sess-7.5-client-frame-checks'),
  givesUp,
  badFrame('7.5-client-bit-flip', ['bit-flip'], 'a transport frame with one bit flipped closes frame-auth-failed and nothing is delivered', CLOSES.frameAuthFailed, 'pw-sess-7.5-auth-failure'),
  badFrame('7.5-client-replayed-frame', ['replay'], 'a transport frame sent twice closes frame-auth-failed at the replay', CLOSES.frameAuthFailed, 'pw-sess-7.5-auth-failure'),
  badFrame('7.5-client-skipped-counter', ['skip-counter'], 'a frame sealed with counter n + 1 (one dropped) closes frame-auth-failed', CLOSES.frameAuthFailed, 'pw-sess-7.5-auth-failure'),
  badFrame('7.5-client-reordered-frames', ['reorder'], 'two frames in swapped order close frame-auth-failed', CLOSES.frameAuthFailed, 'pw-sess-7.5-auth-failure'),
  badFrame('7.5-client-truncated-frame', ['truncate'], 'a transport frame one byte short closes frame-auth-failed', CLOSES.frameAuthFailed, 'pw-sess-7.5-auth-failure'),
  badFrame('7.5-client-no-delivery-after-failure', ['notification', 'bit-flip'], 'after a failed frame the response that follows is not delivered', CLOSES.frameAuthFailed, 'pw-sess-7.5-no-delivery-after-failure'),
  badFrame('7.5-client-text-frame', ['text'], 'a text frame after message 2 closes malformed-frame', CLOSES.malformedFrame, 'pw-sess-7.5-client-frame-checks'),
  badFrame('7.5-client-text-not-utf8', ['text-not-utf8'], 'a text frame that is not UTF-8 closes malformed-frame, not 1007', CLOSES.malformedFrame, 'pw-sess-7.5-client-frame-checks'),
  badFrame('7.5-client-short-frame', ['short'], 'a 15-byte frame closes malformed-frame', CLOSES.malformedFrame, 'pw-sess-7.5-client-frame-checks'),
  badFrame('7.5-client-empty-frame', ['empty'], 'an empty binary frame closes malformed-frame', CLOSES.malformedFrame, 'pw-sess-7.5-client-frame-checks'),
  badFrame('7.5-client-oversize-frame', ['oversize'], 'a frame over the max_frame of message 1 closes frame-too-large', CLOSES.frameTooLarge, 'pw-sess-7.5-client-frame-checks'),
  clientCase('7.5-client-respects-max-frame', 'pw-sess-7.5-respect-peer-max',
    'with max_frame 1024 in message 2, a 2000-byte request is never sent in one frame', async (ctx) => {
      const paired = await ctx.paired({ maxFrame: 1024 })
      const o = await ctx.call(paired, ECHO, { big: 'x'.repeat(2000) })
      const session = theSession(o)
      const largest = Math.max(0, ...session.frames.filter((f) => f.note !== 'message 1').map((f) => f.size))
      return firstFailure(largest <= 1024 ? null : fail('the client sent a frame over the device\'s max_frame', 'frames <= 1024 bytes', `${largest} bytes`),
        exitedWithoutClose(o, ADAPTER_EXIT.usage, 'a request that does not fit the device\'s max_frame'))
    }),
  sessionCase('7.5-client-no-cleartext', 'pw-sess-7.5-no-cleartext', 'every frame after message 1 is a transport message that authenticates', {}, (o) => {
    const session = theSession(o)
    const clear = session.frames.slice(1).filter((f) => f.note !== 'transport message')
    return [succeeded(o), clear.length === 0 ? null : fail('the client sent frames that are not transport messages', 'transport messages only', clear)]
  }),
  sessionCase('7.6-client-request', 'pw-sess-7.6-client-request', 'the request is a valid jsonrpc-request with the method and params given', {}, (o) => {
    const request = theSession(o).requests[0] as Record<string, unknown> | undefined
    const keys = Object.keys(request ?? {}).sort().join(',')
    const ok = request !== undefined && request['jsonrpc'] === '2.0' && request['method'] === ECHO &&
      JSON.stringify(request['params']) === JSON.stringify(ECHO_PARAMS) && (typeof request['id'] === 'string' || Number.isInteger(request['id'])) &&
      keys === 'id,jsonrpc,method,params'
    return [succeeded(o), ok ? null : fail('the request is not the jsonrpc-request asked for', { jsonrpc: '2.0', id: '…', method: ECHO, params: ECHO_PARAMS }, request ?? 'none')]
  }),
  sessionCase('7.6-client-unmatched-response', 'pw-sess-7.6-client-unmatched', 'a response with an unknown id, then the real one: the real one is printed',
    { steps: ['unmatched-response'] }, (o) => {
      const session = theSession(o)
      return [succeeded(o), echoed(o, session.response)]
    }),
  sessionCase('7.6-client-notification-first', 'pw-sess-7.6-client-unmatched', 'notifications before the response are not taken for it',
    { steps: ['notification', 'notification'] }, (o) => {
      const session = theSession(o)
      return [succeeded(o), echoed(o, session.response)]
    }),
  sessionCase('7.7-client-pong', 'pw-sess-7.7-client-pong', 'a Ping while the client waits for its response is answered with a Pong of the same data',
    { steps: ['ping'] }, (o) => {
      const session = theSession(o)
      return [succeeded(o), session.pongs[0]?.matched === true ? null : fail('no Pong with the Ping\'s data within 2 s', 'a matching Pong', session.pongs)]
    }),
  sessionCase('7.9-client-normal-close', 'pw-sess-7.9-client-normal-close', 'after its response the client closes with 1000 normal', {}, (o) => {
    const session = theSession(o)
    return [succeeded(o), clientClosedWith(session, CLOSES.normal)]
  }),
  sessionCase('7.9-client-close-reason', 'pw-sess-7.9-close-reason', 'the close reason of a failure close is the registry name', { steps: ['bit-flip'] }, (o) => {
    const close = theSession(o).clientClose
    const names = new Map(Object.values(CLOSES).map((c) => [c.code, c.reason]))
    return [close !== undefined && names.get(close.code) === close.reason ? null : fail('the close reason is not the registry name of the code', 'the registry name', close ?? 'no Close')]
  }),
  sessionCase('7.9-client-reserved-codes', 'pw-sess-7.9-reserved-codes', 'after a failed frame the client closes with a code other than the reserved ones (§7.9)', { steps: ['truncate'] }, (o) => {
    const close = theSession(o).clientClose
    return [close !== undefined && ![CLOSES.deviceNotConnected.code, CLOSES.deviceReplaced.code, CLOSES.internalError.code].includes(close.code) ? null : fail('the client sent a reserved close code, or none', 'a registered client code', close ?? 'no Close')]
  }),
  sessionCase('7.9-client-codes', 'pw-sess-7.9-client-codes', 'a bit-flipped frame is closed with frame-auth-failed, the code that names it', { steps: ['bit-flip'] },
    (o) => [clientClosedWith(theSession(o), CLOSES.frameAuthFailed)], 'SHOULD'),
  deviceClose(CLOSES.normal, 'response'),
  deviceClose(CLOSES.goingAway, 'response'),
  deviceClose(CLOSES.malformedFrame, 'response'),
  deviceClose(CLOSES.handshakeFailed, 'message-2'),
  deviceClose(CLOSES.handshakeTimeout, 'message-2'),
  deviceClose(CLOSES.unsupportedVersion, 'message-2'),
  deviceClose(CLOSES.idleTimeout, 'response'),
  deviceClose(CLOSES.frameTooLarge, 'response'),
  deviceClose(CLOSES.frameAuthFailed, 'response'),
  framing('masked-frame', 'a masked frame from the device fails the connection with 1002, reported as exit 2', PROTOCOL_ERROR),
  framing('reserved-bits', 'a frame with RSV1 set fails the connection with 1002, reported as exit 2', PROTOCOL_ERROR),
  framing('close-code-1005', 'a Close carrying 1005 fails the connection with 1002, reported as exit 2', PROTOCOL_ERROR),
  framing('close-reason-not-utf8', 'a Close whose reason is not UTF-8 fails the connection with 1007, reported as exit 2', INVALID_PAYLOAD),
  packedDeclined,
  packedAnswer,
]
