/** Spec/profiles/zaparoo-v1.md §2.1: clients.pair.start over a local socket opens a PIN. */
import { failCase, PASS } from '../../../verdicts.ts'
import type { ProfileCase } from '../context.ts'

export const localPin: ProfileCase = {
  id: '2.1-local-pin',
  level: 'MUST',
  requirement: 'zp-pair-2.1-local-pin',
  title: 'clients.pair.start answers a six-digit PIN and a future expiresAt',
  only: 'local',
  async run(ctx) {
    const { pin, expiresAtMs } = await ctx.openPin()
    if (!/^[0-9]{6}$/.test(pin)) failCase('the PIN must be six ASCII digits', 'NNNNNN', pin.length)
    if (!(expiresAtMs > Date.now())) failCase('expiresAt must be in the future', '> now', expiresAtMs)
    return PASS
  },
}
