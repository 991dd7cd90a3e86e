/**
 * Spec §7.3, §7.4: the device runs Noise_NNpsk0_25519_AESGCM_SHA256 as the responder with the
 * client's pairing key as psk and the Pairwire prologue: message 2 verifies and transport frames
 * round-trip in both directions.
 */
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { expectEcho, pairedSession } from './support.ts'

export const noiseProfile: CaseDefinition = {
  id: '7.3-noise-profile',
  level: 'MUST',
  requirement: 'pw-sess-7.3-noise-profile',
  title: 'a Noise NNpsk0 session with the Pairwire prologue opens and carries requests',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    await expectEcho(session, { first: true })
    await expectEcho(session, ['second'])
    return PASS
  },
}
