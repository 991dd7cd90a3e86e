/** Spec/profiles/zaparoo-v1.md §3 (and §4.2): msgB's encoding, minimal integers in K, LP(name). */
import { p256 } from '@noble/curves/nist.js'
import { pinScalar, randomScalar, U } from '../../../../protocol/profiles/zaparoo-v1/index.ts'
import { failCase, PASS } from '../../../verdicts.ts'
import type { ProfileCase } from '../context.ts'
import { acceptedStart, finishPairing, msgBProblems, startPairing } from '../pairing.ts'

export const message: ProfileCase = {
  id: '3.1-message',
  level: 'MUST',
  requirement: 'zp-pake-3.1-message',
  title: 'msgB has role 1, the constant U and V, the client X, and a Y on P-256',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    const started = await startPairing(ctx, pin)
    const problems = msgBProblems(started, acceptedStart(started).message)
    if (problems.length > 0) failCase('msgB does not conform to §3', 'no problems', problems)
    return PASS
  },
}

/** Below this a coordinate's minimal encoding is shorter than 32 bytes. */
const SHORT = 2n ** 248n
const MAX_SEARCH = 20_000

export const minimalIntegers: ProfileCase = {
  id: '3.2-minimal-integers',
  level: 'MUST',
  requirement: 'zp-pake-3.2-minimal-integers',
  title: 'a pairing whose X has a coordinate under 2^248 still confirms (minimal integers in K)',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    // X = pw·U + α·G; stepping α by 1 adds G, so the search costs one point addition a step.
    let a = randomScalar()
    let X = p256.Point.fromAffine(U).multiply(pinScalar(pin)).add(p256.Point.BASE.multiply(a))
    let alpha: bigint | undefined
    for (let i = 0; i < MAX_SEARCH && alpha === undefined; i++, a += 1n, X = X.add(p256.Point.BASE)) {
      const { x, y } = X.toAffine()
      if ((x < SHORT || y < SHORT) && a < p256.Point.Fn.ORDER) alpha = a
    }
    if (alpha === undefined) failCase('no short X found', 'an α', MAX_SEARCH)
    await finishPairing(ctx, await startPairing(ctx, pin, { alpha, step: 'pair/start, X with a short coordinate' }))
    return PASS
  },
}

export const transcript: ProfileCase = {
  id: '4.2-transcript',
  level: 'MUST',
  requirement: 'zp-keys-4.2-transcript',
  title: 'a name with multi-byte UTF-8 confirms both ways (LP counts bytes)',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    await finishPairing(ctx, await startPairing(ctx, pin, { name: 'Wohnzimmer-Tablet é ✓ 🎮' }))
    return PASS
  },
}

export const cases = [message, minimalIntegers, transcript]
