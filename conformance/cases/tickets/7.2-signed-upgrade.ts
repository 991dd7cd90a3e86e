/**
 * Spec §7.2 steps 3s and 4s: a device that accepts signed upgrades upgrades a conforming one for
 * the keyid's client (the Noise handshake and an echo then work), and refuses, without
 * upgrading, one whose signature was altered, one signed for another @target-uri and one whose
 * created is far outside skew, each with its §8.7 answer.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { handshake } from '../../drivers/session.ts'
import { nowSeconds, type SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEcho } from '../sessions/support.ts'
import { acceptedUpgrade, expectUpgradeRefused, signUpgrade } from './signed-upgrade.ts'

/** An hour: beyond the largest skew a device may advertise (§4.3, 300 s). */
const FAR_OUTSIDE_SKEW = 3600

/** The signature with its first base64 character changed: same length, another value. */
function altered(signed: SignedHttpRequest): SignedHttpRequest {
  const signature = signed.headers['signature']!.replace(/:(.)/, (_m, c: string) => `:${c === 'A' ? 'B' : 'A'}`)
  return { ...signed, headers: { ...signed.headers, signature } }
}

export const signedUpgradeAccepted: CaseDefinition = {
  id: '7.2-signed-upgrade',
  level: 'MUST',
  requirement: 'pw-sess-7.2-signed-upgrade',
  title: 'a signed upgrade opens a session; altered, mistargeted or stale ones are refused unupgraded',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const socket = await acceptedUpgrade(ctx, signUpgrade(ctx, client), 'signed upgrade')
    await expectEcho(await handshake(ctx, socket, client), { signed: 'upgrade' })
    must(await allOf([
      ['altered signature', () => expectUpgradeRefused(ctx, altered(signUpgrade(ctx, client)),
        PROBLEMS.signatureInvalid, 'signed upgrade with an altered signature')],
      ['another @target-uri', () => expectUpgradeRefused(ctx,
        signUpgrade(ctx, client, { targetUri: 'http://device.invalid/pairwire/v1/ws' }),
        PROBLEMS.signatureInvalid, 'signed upgrade signed for another authority')],
      ['created outside skew', () => expectUpgradeRefused(ctx,
        signUpgrade(ctx, client, { created: nowSeconds() - FAR_OUTSIDE_SKEW }),
        PROBLEMS.clockSkew, 'signed upgrade created an hour ago')],
    ]))
    return PASS
  },
}
