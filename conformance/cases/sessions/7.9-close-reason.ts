/**
 * Spec §7.9: the close reason is exactly the registry name of the close code. Checked on four
 * closes the harness can provoke at once: 4400, 4401, 4413 and 4422.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { CLOSES, type CloseEntry } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { expectClose } from '../../drivers/session-close.ts'
import { openSession } from '../../drivers/session.ts'
import type { PairedClient } from '../../drivers/pairing.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { freshSocket } from './support.ts'

/** Sends `frame` first (or right after the handshake) and checks the close code and reason. */
async function closeReason(
  ctx: CaseContext,
  client: PairedClient,
  entry: CloseEntry,
  frame: Uint8Array | string,
  afterHandshake = false,
) {
  const socket = afterHandshake ? (await openSession(ctx, client)).socket : await freshSocket(ctx, client)
  await socket.send(frame)
  return expectClose(ctx, socket, entry, ctx.timeoutMs, `close ${entry.code}`, { reason: true })
}

export const closeReasonCase: CaseDefinition = {
  id: '7.9-close-reason',
  level: 'MUST',
  requirement: 'pw-sess-7.9-close-reason',
  title: 'close reasons are the registry names of their codes',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const random = (length: number) => defaultBackend.randomBytes(length)
    must(await allOf([
      [`${CLOSES.malformedFrame.code}`, () => closeReason(ctx, client, CLOSES.malformedFrame, 'text')],
      [`${CLOSES.handshakeFailed.code}`, () => closeReason(ctx, client, CLOSES.handshakeFailed, random(64))],
      [`${CLOSES.frameTooLarge.code}`, () => closeReason(ctx, client, CLOSES.frameTooLarge, random(limitOf(ctx.target, 'max_frame') + 1))],
      [`${CLOSES.frameAuthFailed.code}`, () => closeReason(ctx, client, CLOSES.frameAuthFailed, random(32), true)],
    ]))
    return PASS
  },
}
