/**
 * Spec §7.5, Table 7-1: a transport frame that fails authentication closes the session with 4422
 * frame-auth-failed and nothing of it, or of any later frame, is delivered. One case per way a
 * frame fails: a flipped bit, a cut tag, a replay, a reorder, and a frame after a dropped one.
 * Each starts from a session whose first echo round trip succeeded; a replay repeats an
 * answered frame.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import type { NoiseSession } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { echoRequest, expectEcho, expectFramesRejected, flipBit, pairedSession } from './support.ts'

/** The frames to send after one good round trip, built from the open session. */
type Mutation = (session: NoiseSession, ctx: CaseContext) => Uint8Array[] | Promise<Uint8Array[]>

function authFailureCase(slug: string, title: string, mutation: Mutation): CaseDefinition {
  return {
    id: `7.5-${slug}`,
    level: 'MUST',
    requirement: 'pw-sess-7.5-auth-failure',
    title,
    profiles: ['session', 'signed-http'],
    needsPin: true,
    async run(ctx) {
      const { session } = await pairedSession(ctx)
      await expectEcho(session)
      const frames = await mutation(session, ctx)
      must(await expectFramesRejected(ctx, session, frames, CLOSES.frameAuthFailed, title))
      return PASS
    },
  }
}

export const authFailureCases: CaseDefinition[] = [
  authFailureCase('bit-flip', `a frame with one bit flipped gets ${CLOSES.frameAuthFailed.code}`, (session, ctx) => {
    const frame = session.seal(echoRequest(session))
    return [flipBit(frame, ctx.seed)]
  }),
  authFailureCase('truncated-frame', `a frame without its last byte gets ${CLOSES.frameAuthFailed.code}`, (session) => {
    const frame = session.seal(echoRequest(session))
    return [frame.subarray(0, frame.length - 1)]
  }),
  authFailureCase('replayed-frame', `a frame sent again gets ${CLOSES.frameAuthFailed.code}`, async (session) => {
    const frame = session.seal(echoRequest(session))
    await session.socket.send(frame)
    await session.response('the frame, first time')
    return [frame]
  }),
  authFailureCase('reordered-frame', `two frames sent in swapped order get ${CLOSES.frameAuthFailed.code}`, (session) => {
    const first = session.seal(echoRequest(session))
    const second = session.seal(echoRequest(session))
    return [second, first]
  }),
  authFailureCase('dropped-frame', `a frame after a dropped one gets ${CLOSES.frameAuthFailed.code}`, (session) => {
    session.seal(echoRequest(session))
    return [session.seal(echoRequest(session))]
  }),
]
