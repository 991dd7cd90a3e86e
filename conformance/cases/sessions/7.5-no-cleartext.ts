/**
 * Spec §7.5 {#pw-sess-7.5-no-cleartext}: the only frames ever sent in clear are the two handshake
 * messages, Ping, Pong and Close, on every path. On the working path, requests, errors and
 * notifications are exchanged and the driver decrypts every frame the device sends (a text frame
 * or one that does not authenticate fails the case). On every failure path the harness can
 * provoke, before message 2 and after it, the device must close with the registered code and
 * send nothing in clear before the Close: expectClose checks the frames queued ahead of it, and
 * after message 2 expectRejected also decrypts them.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { CLOSES, METHODS, PROTOCOL_VERSION, SIZES, type CloseEntry } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { allOf } from '../../drivers/checks.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { buildMessage1, lowOrderMessage1, openSession } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS, type FailVerdict } from '../../verdicts.ts'
import { echoRequest, expectEcho, expectFirstFrameClose, expectFramesRejected } from './support.ts'

type FailurePath = readonly [string, () => Promise<FailVerdict | null>]

const random = (length: number) => defaultBackend.randomBytes(length)

/** Each refusal of a first frame (message 1 expected), by the close it must get. */
function beforeMessage2(ctx: CaseContext, client: PairedClient): FailurePath[] {
  const first = (step: string, frame: Uint8Array | string, entry: CloseEntry): FailurePath =>
    [step, () => expectFirstFrameClose(ctx, client, frame, entry, step)]
  const maxFrame = limitOf(ctx.target, 'max_frame')
  const badVersion = { v: PROTOCOL_VERSION + 1, max_frame: SIZES.noiseMaxMessage }
  return [
    first('text frame first', 'hello', CLOSES.malformedFrame),
    first('10-byte first frame', random(10), CLOSES.malformedFrame),
    first('message 1 under another psk', buildMessage1(client, { psk: random(SIZES.pairingKey) }).message,
      CLOSES.handshakeFailed),
    first('message 1 with a low-order e', lowOrderMessage1(client), CLOSES.handshakeFailed),
    first('message 1 payload with v + 1', buildMessage1(client, { payload: badVersion }).message,
      CLOSES.unsupportedVersion),
    first('first frame over max_frame', random(maxFrame + 1), CLOSES.frameTooLarge),
  ]
}

/** Each refusal of a transport frame, by the close it must get. */
function afterMessage2(ctx: CaseContext, client: PairedClient): FailurePath[] {
  const frame = (step: string, bytes: Uint8Array | string, entry: CloseEntry): FailurePath =>
    [step, async () => {
      const session = await openSession(ctx, client)
      if (typeof bytes === 'string') {
        await session.socket.send(bytes)
        return expectFramesRejected(ctx, session, [], entry, step)
      }
      return expectFramesRejected(ctx, session, [bytes], entry, step)
    }]
  const maxFrame = limitOf(ctx.target, 'max_frame')
  return [
    frame('text frame after message 2', 'hello', CLOSES.malformedFrame),
    frame('8-byte transport frame', random(8), CLOSES.malformedFrame),
    frame('32 random bytes as a transport frame', random(32), CLOSES.frameAuthFailed),
    frame('transport frame over max_frame', random(maxFrame + 1), CLOSES.frameTooLarge),
  ]
}

export const noCleartext: CaseDefinition = {
  id: '7.5-no-cleartext',
  level: 'MUST',
  requirement: 'pw-sess-7.5-no-cleartext',
  title: 'nothing but handshake messages, Ping, Pong and Close in clear, on success and on every refusal',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const session = await openSession(ctx, client)
    await expectEcho(session, { secret: 'must not appear in clear' })
    await session.send({ jsonrpc: '2.0', method: METHODS.echo, params: ['notification'] })
    await session.call('no.such.method', [])
    await session.send(echoRequest(session, ['after a notification']))
    await session.response('echo after a notification')
    must(await allOf([...beforeMessage2(ctx, client), ...afterMessage2(ctx, client)]))
    return PASS
  },
}
