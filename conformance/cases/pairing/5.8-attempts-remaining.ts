/**
 * Spec §5.8 step 5, Table 5-1: each failed confirmation answers 403 confirmation-failed with
 * attempts_remaining = max_pin_failures − F, counting down to 0.
 */
import { limitOf } from '../../drivers/advertised.ts'
import { openPinWindow } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectAttemptsRemaining, failedAttempt, wrongPin } from './support.ts'

export const attemptsRemaining: CaseDefinition = {
  id: '5.8-attempts-remaining',
  level: 'MUST',
  requirement: 'pw-pair-5.8-attempts-remaining',
  title: 'wrong PINs get confirmation-failed with attempts_remaining counting down to 0',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const max = limitOf(ctx.target, 'max_pin_failures')
    for (let i = 1; i <= max; i++) {
      const res = await failedAttempt(ctx, wrongPin(pin), `wrong PIN ${i}/${max}`)
      must(expectAttemptsRemaining(res, max - i))
    }
    return PASS
  },
}
