/** Spec/profiles/zaparoo-v1.md §2.3: POST /api/pair/finish, the attempt budget, one success. */
import { randomUUID } from 'node:crypto'
import { firstFailure, must, PASS } from '../../../verdicts.ts'
import type { ProfileCase } from '../context.ts'
import { expectError, PAIR_FINISH, post } from '../http.ts'
import { acceptedStart, clientConfirm, finishPairing, startPairing } from '../pairing.ts'

const WRONG = Buffer.alloc(32, 7).toString('base64')

export const finishAnswer: ProfileCase = {
  id: '2.3-finish-answer',
  level: 'MUST',
  requirement: 'zp-pair-2.3-finish-answer',
  title: 'the correct confirmation gets 200 with UUID v4 ids and a server confirm that verifies',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    await finishPairing(ctx, await startPairing(ctx, pin))
    return PASS
  },
}

export const unknownSession: ProfileCase = {
  id: '2.3-unknown-session',
  level: 'MUST',
  requirement: 'zp-pair-2.3-unknown-session',
  title: 'pair/finish with an unknown session gets 404 unknown pairing session',
  async run(ctx) {
    const reply = await post(ctx, PAIR_FINISH, { session: randomUUID(), confirm: WRONG }, 'unknown session')
    return firstFailure(expectError(reply, 404, 'unknown pairing session'))
  },
}

export const badConfirm: ProfileCase = {
  id: '2.3-bad-confirm',
  level: 'MUST',
  requirement: 'zp-pair-2.3-bad-confirm',
  title: 'an empty confirm gets 400 invalid confirmation',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    const { session } = acceptedStart(await startPairing(ctx, pin))
    const reply = await post(ctx, PAIR_FINISH, { session, confirm: '' }, 'empty confirm')
    return firstFailure(expectError(reply, 400, 'invalid confirmation'))
  },
}

export const attemptBudget: ProfileCase = {
  id: '2.3-attempt-budget',
  level: 'MUST',
  requirement: 'zp-pair-2.3-attempt-budget',
  title: 'wrong confirmations get 401, 401, then 403, and the PIN is cleared',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    for (const [i, status, message] of [[1, 401, 'wrong PIN'], [2, 401, 'wrong PIN'], [3, 403, 'too many failed attempts']] as const) {
      const { session } = acceptedStart(await startPairing(ctx, pin, { step: `pair/start ${i}` }))
      const reply = await post(ctx, PAIR_FINISH, { session, confirm: WRONG }, `wrong confirm ${i}`)
      must(expectError(reply, status, message))
    }
    const after = await startPairing(ctx, pin, { step: 'pair/start after the budget' })
    return firstFailure(expectError(after.reply, 400, 'no pairing in progress'))
  },
}

export const singleSuccess: ProfileCase = {
  id: '2.3-single-success',
  level: 'MUST',
  requirement: 'zp-pair-2.3-single-success',
  title: 'after one success, a second session of the same PIN gets 404',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    const first = await startPairing(ctx, pin, { step: 'pair/start A' })
    const second = await startPairing(ctx, pin, { step: 'pair/start B' })
    await finishPairing(ctx, first, 'pair/finish A')
    const b = acceptedStart(second)
    const { confirm } = clientConfirm(second, b)
    const reply = await post(ctx, PAIR_FINISH, { session: b.session, confirm: Buffer.from(confirm).toString('base64') }, 'pair/finish B')
    return firstFailure(expectError(reply, 404, 'unknown pairing session'))
  },
}

export const cases = [finishAnswer, unknownSession, badConfirm, attemptBudget, singleSuccess]
