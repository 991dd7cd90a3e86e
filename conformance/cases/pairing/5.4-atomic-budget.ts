/**
 * Spec §5.4: verifications of cA in one window are serialised, so max_pin_failures + 1 wrong
 * confirmations sent at the same moment yield at most max_pin_failures `confirmation-failed`
 * answers, each with a different attempts_remaining; the others find the window closed.
 */
import { PROBLEMS, problemType } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import { clientConfirmation, openPinWindow, pairFinish, startPairing } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS, skipCase } from '../../verdicts.ts'
import { wrongPin } from './support.ts'

export const atomicBudget: CaseDefinition = {
  id: '5.4-atomic-budget',
  level: 'MUST',
  requirement: 'pw-pair-5.4-atomic-budget',
  title: 'concurrent wrong confirmations never exceed max_pin_failures',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const max = limitOf(ctx.target, 'max_pin_failures')
    if (max + 1 > limitOf(ctx.target, 'max_concurrent_pairings')) {
      skipCase('max_concurrent_pairings is not above max_pin_failures: no budget to overrun')
    }
    const pin = wrongPin(await openPinWindow(ctx))
    const started = []
    for (let i = 0; i <= max; i++) started.push(await startPairing(ctx, { pin, step: `pair/start ${i + 1}` }))
    const answers = await Promise.all(started.map((s, i) =>
      pairFinish(ctx, s.pairingId, clientConfirmation(s).cA, `concurrent pair/finish ${i + 1}`)))
    const failed = answers.filter((res) => res.status === PROBLEMS.confirmationFailed.status &&
      (res.json as { type?: unknown }).type === problemType(PROBLEMS.confirmationFailed))
    const remaining = failed.map((res) => (res.json as { attempts_remaining?: unknown }).attempts_remaining)
    const expected = { confirmationFailed: `at most ${max}`, attempts_remaining: 'all different' }
    if (failed.length > max || new Set(remaining).size !== remaining.length) {
      failCase('the failure budget was overrun by concurrent confirmations (§5.4)', expected,
        { confirmationFailed: failed.length, attempts_remaining: remaining })
    }
    for (const res of answers) {
      if (!failed.includes(res)) must(expectProblem(res, PROBLEMS.pairingWindowClosed))
    }
    return PASS
  },
}
