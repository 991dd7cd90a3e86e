/**
 * Spec §8.8: a claimed nonce is kept for the whole period its request passes the clock check,
 * 2 × skew + 1 s with `now` in whole seconds. The boundary case of issue 21: just after the start
 * of a second S, a request signed with created = S + skew (the far edge of the skew) is accepted;
 * the same request is sent again at S + 2 × skew + 0.5 s, when the device's `now` = S + 2 × skew
 * still passes |now − created| ≤ skew. It must be refused: 401 replayed-nonce, or clock-skew from
 * a device whose clock runs ahead. A device that keeps nonces 2 × skew s accepts it. Waits about
 * 2 × skew + 1 s.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { limitOf, sleep } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { prepareSigned, sendSigned } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { fail, must, PASS, skipCase } from '../../verdicts.ts'
import { expectEchoed, rpcEcho } from './support.ts'
import { PHASES } from '../../phases.ts'

/** How far into second S the first request is sent, and into the last second the replay. */
const FIRST_MS = 100
const REPLAY_MS = 500

export const replayWindow: CaseDefinition = {
  id: '8.8-replay-window',
  level: 'MUST',
  phase: PHASES.timers,
  requirement: 'pw-sig-8.8-replay-window',
  directOnly: 'plain-rpc',
  title: 'a nonce stays claimed for 2 × skew + 1 s, the last second included',
  profiles: ['signed-http'],
  needsPin: true,
  waitSeconds: (target) => 2 * limitOf(target, 'skew') + 2,
  async run(ctx) {
    const skew = limitOf(ctx.target, 'skew')
    const client = await pairClient(ctx)
    const second = Math.floor(Date.now() / 1000) + 1
    await sleep(second * 1000 + FIRST_MS - Date.now())
    const request = prepareSigned(ctx, client, rpcEcho({ created: second + skew }))
    const first = await sendSigned(ctx, request, `created = now + skew, sent ${FIRST_MS} ms into the second`)
    if (expectProblem(first, PROBLEMS.clockSkew) === null) {
      skipCase('the device refused created = now + skew: its clock is behind the harness\'s')
    }
    must(expectEchoed(first))
    // The 2 × skew wait needs nothing but this case's own client.
    ctx.waitAlongside?.('late-is-fine')
    await sleep((second + 2 * skew) * 1000 + REPLAY_MS - Date.now())
    const replay = await sendSigned(ctx, request, `the same request at S + 2 × skew + ${REPLAY_MS} ms`)
    if (expectProblem(replay, PROBLEMS.replayedNonce) === null) return PASS
    if (expectProblem(replay, PROBLEMS.clockSkew) === null) return PASS
    return fail('a replay within the last second of the window was not refused (§8.8)',
      { problem: PROBLEMS.replayedNonce.name }, { status: replay.status })
  },
}
