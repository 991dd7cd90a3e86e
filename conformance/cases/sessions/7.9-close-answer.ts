/**
 * Spec §7.9 pw-sess-7.9-close-answer: the device answers a client's Close frame with 1000
 * `normal`, never an echo of what the client sent. The harness closes with the reserved codes
 * internal-error and device-not-connected, a registered code with a reason outside the registry,
 * and a reason that is not UTF-8, on fresh sockets (the answer does not depend on the handshake) and once on a session.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import type { SocketObserver } from '../../drivers/session-socket.ts'
import { openSession } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, must, PASS } from '../../verdicts.ts'
import { freshSocket } from './support.ts'

/** 0xff never occurs in UTF-8 (RFC 3629 §1); 0xc3 0x28 is a lead byte with a bad continuation. */
const NOT_UTF8 = new Uint8Array([0x66, 0xff, 0xc3, 0x28])

async function answerTo(
  ctx: CaseContext,
  socket: SocketObserver,
  code: number,
  reason: string | Uint8Array,
) {
  socket.close(code, reason)
  const closed = await socket.waitClose(ctx.timeoutMs)
  const expected = { code: CLOSES.normal.code, reason: CLOSES.normal.reason }
  const actual = closed === undefined
    ? 'no close within the step timeout'
    : { code: closed.code, reason: closed.reason }
  ctx.record({ step: `client closes ${code}`, expected, actual })
  if (closed?.code === expected.code && closed.reason === expected.reason) return null
  const message = `the device's answer to a client's close ${code} is not ${CLOSES.normal.code} ${CLOSES.normal.reason} (§7.9)`
  return fail(message, expected, actual)
}

export const closeAnswerCase: CaseDefinition = {
  id: '7.9-close-answer',
  level: 'MUST',
  requirement: 'pw-sess-7.9-close-answer',
  title: "a client's Close is answered 1000 normal, never echoed",
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client: PairedClient = await pairClient(ctx)
    const fresh = async (code: number, reason: string | Uint8Array) =>
      answerTo(ctx, await freshSocket(ctx, client), code, reason)
    must(await allOf([
      [`${CLOSES.internalError.code} ${CLOSES.internalError.reason}`, () => fresh(CLOSES.internalError.code, CLOSES.internalError.reason)],
      [`${CLOSES.deviceNotConnected.code} with an unregistered reason`, () => fresh(CLOSES.deviceNotConnected.code, 'gone')],
      [`${CLOSES.normal.code} with an unregistered reason`, () => fresh(CLOSES.normal.code, 'bye, see you')],
      [`a reason not UTF-8, after the handshake`, async () => {
        const { socket } = await openSession(ctx, client)
        return answerTo(ctx, socket, CLOSES.frameAuthFailed.code, NOT_UTF8)
      }],
    ]))
    return PASS
  },
}
