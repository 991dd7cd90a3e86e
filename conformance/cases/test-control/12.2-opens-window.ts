/**
 * Spec §12.2 {#pw-test-12.2-opens-window}: a valid test/pin request opens a pairing window exactly
 * as an operator action does (Table 5-1): a non-trivial PIN, expires_at = now + pin_ttl (or + the
 * ttl asked for), and the PIN pairs a client.
 */
import { pairClient } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { expectExpiry, openTestWindow } from './test-pin.ts'

/** A ttl other than the usual defaults, within 1 .. max_pin_ttl of any device. */
const ASKED_TTL = 7

export const opensWindow: CaseDefinition = {
  id: '12.2-opens-window',
  level: 'MUST',
  requirement: 'pw-test-12.2-opens-window',
  title: 'test/pin opens a pairing window with pin_ttl or the asked ttl, and its PIN pairs',
  profiles: ['test-control', 'pairing'],
  async run(ctx) {
    const limits = ctx.target.discovery.limits
    const asked = await openTestWindow(ctx, Math.min(ASKED_TTL, limits['max_pin_ttl']!))
    expectExpiry(asked, Math.min(ASKED_TTL, limits['max_pin_ttl']!))
    const window = await openTestWindow(ctx)
    expectExpiry(window, limits['pin_ttl']!)
    await pairClient(ctx, { pin: window.pin })
    return PASS
  },
}
