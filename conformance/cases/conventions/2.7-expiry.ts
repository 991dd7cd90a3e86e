/**
 * Spec §2.7 {#pw-conv-2.7-expiry}: a value with lifetime T from time t is valid while
 * now < t + T and expired when now ≥ t + T. Checked on a pairing window, whose expires_at the
 * test-control answer states (spec §12.2): pair/start is accepted 1.5 s before expires_at and
 * refused 403 pairing-window-closed 1.5 s after it, on the device's clock as its Date field
 * shows it. A device that counts the TTL in other units or from another start misses a side.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem, httpRequest } from '../../drivers/http.ts'
import { pairStart, startPairing } from '../../drivers/pairing.ts'
import type { CaseContext, CaseDefinition, Target } from '../../model.ts'
import { CaseFailure, fail, firstFailure, skip } from '../../verdicts.ts'
import { validPairStart } from '../samples.ts'

/** A window TTL with room for a probe 1.5 s before its end. */
const TTL = 4
const MARGIN_S = 1.5

const ttlOf = (target: Target): number => Math.min(TTL, target.discovery.limits['max_pin_ttl']!)

/** Device clock minus harness clock in ms, from its Date field (1 s resolution: the middle). */
async function clockOffset(ctx: CaseContext): Promise<number> {
  const res = await httpRequest(ctx, { method: 'GET', path: PATHS.discovery, step: 'read Date' })
  const date = Date.parse(res.headers['date'] ?? '')
  const offset = Number.isNaN(date) ? 0 : date + 500 - Date.now()
  // Reported (spec §14.2): a device whose clock is off fails expiry cases for that reason.
  ctx.record({ step: 'device clock offset (Date field)', actual: { offset_ms: offset } })
  return offset
}

async function untilDeviceTime(seconds: number, offsetMs: number): Promise<void> {
  const wait = seconds * 1000 - (Date.now() + offsetMs)
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}

export const expiry: CaseDefinition = {
  id: '2.7-expiry',
  level: 'MUST',
  requirement: 'pw-conv-2.7-expiry',
  directOnly: 'test-control',
  title: 'a pairing window is open until its expires_at and closed from then on',
  profiles: ['pairing'],
  needsPin: true,
  waitSeconds: (target) => ttlOf(target) + 2,
  async run(ctx) {
    const ttl = ttlOf(ctx.target)
    if (ctx.pins.kind !== 'test-control') {
      return skip('needs the expires_at of the window: pass --test-control', 'setup')
    }
    if (ttl < 2 * MARGIN_S) return skip(`max_pin_ttl ${ttl} leaves no time before the expiry`)
    const offset = await clockOffset(ctx)
    const { pin, expiresAt } = await ctx.pins.openWindow(ttl)
    await untilDeviceTime(expiresAt! - MARGIN_S, offset)
    try {
      await startPairing(ctx, { pin, step: `pair/start ${MARGIN_S} s before expires_at` })
    } catch (error) {
      if (!(error instanceof CaseFailure) || error.verdict.status !== 'fail') throw error
      const why = `the window was closed ${MARGIN_S} s before its expires_at`
      return fail(why, 'pair/start accepted', error.verdict.actual)
    }
    await untilDeviceTime(expiresAt! + MARGIN_S, offset)
    // At pair/start the device cannot tell a right PIN from a wrong one: any share will do.
    const step = `pair/start ${MARGIN_S} s after expires_at`
    const res = await pairStart(ctx, validPairStart(ctx), step)
    return firstFailure(expectProblem(res, PROBLEMS.pairingWindowClosed))
  },
}
