/**
 * Spec §5.7, §13.1: pA = w·M built from the right PIN makes the device's K the identity. The
 * device must not reveal that (it would confirm the guess without spending the budget): pair/start
 * answers 200 with a valid pB, as it does for a wrong guess, and pair/finish fails the
 * confirmation like a wrong guess, spending one attempt.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { SIZES } from '../../../protocol/registry.ts'
import { decodeShare, encodeShare, M, passwordScalar } from '../../../protocol/spake2/index.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { newClientKeys, openPinWindow, pairFinish, pairStart, pairStartBody, readStartResponse } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'
import { expectAttemptsRemaining, failedAttempt, wrongPin } from './support.ts'

export const identityKNoOracle: CaseDefinition = {
  id: '5.7-identity-k-no-oracle',
  level: 'MUST',
  requirement: 'pw-pair-5.7-identity-k-no-oracle',
  title: 'pA = w·M for the right PIN is answered like a wrong guess',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    // With a budget of one, a wrong guess first would close the window: compare only when it is not.
    const max = limitOf(ctx.target, 'max_pin_failures')
    const compare = max > 1
    if (compare) {
      must(expectAttemptsRemaining(await failedAttempt(ctx, wrongPin(pin), 'a wrong guess'), max - 1))
    }
    const pA = encodeShare(M.multiply(passwordScalar(pin).w))
    const start = await pairStart(ctx, pairStartBody(newClientKeys(), pA), 'pair/start, pA = w·M')
    const { pairingId, pB } = readStartResponse(ctx, start)
    try {
      decodeShare(pB)
    } catch {
      failCase('pB for pA = w·M is not a valid share (§5.7)', 'a valid P-256 point', 'an invalid pB')
    }
    const cA = defaultBackend.randomBytes(SIZES.confirmationMac)
    const finish = await pairFinish(ctx, pairingId, cA, 'pair/finish, K at the identity')
    must(expectAttemptsRemaining(finish, max - 1 - (compare ? 1 : 0)))
    return PASS
  },
}
