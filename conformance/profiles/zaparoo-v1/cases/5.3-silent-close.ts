/**
 * Spec/profiles/zaparoo-v1.md §5.3: unknown token, wrong key, a reused salt and a replayed later
 * frame each close the socket with no answer (Zaparoo's close has an empty payload: 1005).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { failCase, PASS } from '../../../verdicts.ts'
import type { ProfileCase, ProfileContext } from '../context.ts'
import { pairClient, type Paired } from '../pairing.ts'
import { connect, openSession, rpc, Session } from '../socket.ts'

async function expectSilentClose(ctx: ProfileContext, what: string, frames: readonly string[], session?: Session): Promise<void> {
  const socket = session?.socket ?? (await connect(ctx, what))
  for (const f of frames) socket.send(f)
  const code = await socket.closed(ctx.timeoutMs)
  const answered = socket.pending().length
  ctx.record({ step: what, actual: { close: code ?? 'open', frames: answered } })
  if (code === undefined || answered > 0) {
    failCase(`${what}: the socket must close without an answer`, 'close, no frame', { close: code ?? 'still open', frames: answered })
  }
}

export const silentClose: ProfileCase = {
  id: '5.3-silent-close',
  level: 'MUST',
  requirement: 'zp-ws-5.3-silent-close',
  title: 'unknown token, wrong key, reused salt and a replayed frame close silently',
  needsPin: true,
  async run(ctx) {
    const paired = await pairClient(ctx)
    const stranger: Paired = { ...paired, authToken: randomUUID() }
    const unknown = new Session(await connect(ctx, 'unknown token'), stranger)
    await expectSilentClose(ctx, 'unknown token', [unknown.firstFrame(rpc(1, 'version'))], unknown)
    const wrong = new Session(await connect(ctx, 'wrong key'), { ...paired, pairingKey: randomBytes(32) })
    await expectSilentClose(ctx, 'wrong key', [wrong.firstFrame(rpc(1, 'version'))], wrong)
    const first = await openSession(ctx, paired, 'original session')
    const replayed = new Session(await connect(ctx, 'reused salt'), paired, first.salt)
    await expectSilentClose(ctx, 'reused salt', [replayed.firstFrame(rpc(1, 'version'))], replayed)
    const frame = first.frame(rpc(2, 'version'))
    first.socket.send(frame)
    await first.receive(ctx.timeoutMs)
    await expectSilentClose(ctx, 'replayed later frame', [frame], first)
    return PASS
  },
}

export const cases = [silentClose]
