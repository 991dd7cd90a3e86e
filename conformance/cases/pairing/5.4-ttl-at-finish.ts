/**
 * Spec §5.4: pair/finish re-checks the window's TTL. A pairing started in time and finished, with
 * the right cA, after the window expired (but before the pairing did) gets 403
 * pairing-window-closed and no cB. Needs a window TTL below pairing_ttl: pin_ttl when it is,
 * else a shorter window through test-control.
 */
import { PROBLEMS, type Limits } from '../../../protocol/registry.ts'
import { limitOf, outlast } from '../../drivers/advertised.ts'
import { expectProblem } from '../../drivers/http.ts'
import { clientConfirmation, openPinWindow, pairFinish, startPairing } from '../../drivers/pairing.ts'
import type { CaseContext, CaseDefinition, Target } from '../../model.ts'
import { must, PASS, skipCase } from '../../verdicts.ts'

/**
 * Seconds between the window's expiry and the pairing's: the finish comes 1 s after the window
 * expired, plus up to 1 s of rounding to whole seconds (§2.7), and must beat pairing_ttl.
 */
const MARGIN = 3

/** The window TTL to use, and whether it must be requested (not the default pin_ttl). */
function windowTtl(target: Target): { ttl: number; custom: boolean } {
  const limit = (name: keyof Limits) => limitOf(target, name)
  if (limit('pin_ttl') + MARGIN <= limit('pairing_ttl')) return { ttl: limit('pin_ttl'), custom: false }
  return { ttl: Math.max(1, limit('pairing_ttl') - MARGIN), custom: true }
}

async function openShortWindow(ctx: CaseContext): Promise<{ pin: string; ttl: number }> {
  const { ttl, custom } = windowTtl(ctx.target)
  if (custom && ttl + MARGIN > limitOf(ctx.target, 'pairing_ttl')) {
    skipCase(`pairing_ttl is below ${MARGIN + 1} s: the pairing expires before any window can`)
  }
  if (custom && ctx.pins.kind !== 'test-control') {
    skipCase(`pin_ttl is not ${MARGIN} s below pairing_ttl: a shorter window needs --test-control`)
  }
  return { pin: await openPinWindow(ctx, custom ? ttl : undefined), ttl }
}

export const ttlAtFinish: CaseDefinition = {
  id: '5.4-ttl-at-finish',
  level: 'MUST',
  requirement: 'pw-pair-5.4-ttl-at-finish',
  title: 'pair/finish after the window expired gets 403 pairing-window-closed',
  profiles: ['pairing'],
  needsPin: true,
  waitSeconds: (target) => windowTtl(target).ttl + 1,
  async run(ctx) {
    const { pin, ttl } = await openShortWindow(ctx)
    const started = await startPairing(ctx, { pin, step: 'pair/start in time' })
    const { cA } = clientConfirmation(started)
    await outlast(ttl)
    const res = await pairFinish(ctx, started.pairingId, cA, 'pair/finish after the window expired')
    must(expectProblem(res, PROBLEMS.pairingWindowClosed))
    return PASS
  },
}
