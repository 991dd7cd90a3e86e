/**
 * Property cases over single requests (DESIGN §5): fast-check generates examples from the case's
 * seed, each is sent to the device and judged; on a failure fast-check shrinks it to a minimal
 * example, the case records the replay point (seed and shrink path) so `--replay
 * <id>@<seed>:<path>` sends exactly that example again, and the minimal example is sent once more
 * with its exchanges recorded for the report. Runs are not recorded (there are hundreds).
 */
import fc from 'fast-check'
import type { CaseContext, Verdict } from './model.ts'
import { CaseFailure, fail, PASS, type FailVerdict } from './verdicts.ts'

/** What checkProperty needs of a case context (server mode's, or client mode's). */
export type PropertyContext = Pick<CaseContext, 'seed' | 'runs' | 'replay' | 'record' | 'setReplay'>

export interface RequestProperty<T, C extends PropertyContext = CaseContext> {
  readonly arbitrary: fc.Arbitrary<T>
  /** Sends one example; null when the device answered as the spec requires. */
  judge(ctx: C, example: T): Promise<FailVerdict | null>
  /** What the report shows of an example. */
  describe(example: T): unknown
}

/** Shrinking stops after this long; the smallest failure found so far is reported. */
const PROPERTY_TIME_LIMIT_MS = 60_000

class ExampleFailed extends Error {
  constructor(readonly failure: FailVerdict) {
    super(failure.message)
  }
}

async function judged<T, C extends PropertyContext>(
  property: RequestProperty<T, C>,
  ctx: C,
  example: T,
): Promise<FailVerdict | null> {
  try {
    return await property.judge(ctx, example)
  } catch (error) {
    if (error instanceof CaseFailure && error.verdict.status === 'fail') return error.verdict
    throw error
  }
}

export async function checkProperty<T, C extends PropertyContext = CaseContext>(
  ctx: C,
  property: RequestProperty<T, C>,
): Promise<Verdict> {
  const quiet: C = { ...ctx, record: () => undefined }
  const replayPath = ctx.replay?.path
  const details = await fc.check(
    fc.asyncProperty(property.arbitrary, async (example) => {
      const failure = await judged(property, quiet, example)
      if (failure !== null) throw new ExampleFailed(failure)
    }),
    {
      seed: ctx.seed,
      numRuns: ctx.runs,
      ...(replayPath === undefined ? {} : { path: replayPath, endOnFailure: true }),
      plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS)],
    },
  )
  if (!details.failed || details.counterexample === null) return PASS
  ctx.setReplay({ seed: details.seed, path: details.counterexamplePath })
  const [example] = details.counterexample as [T]
  const error = details.errorInstance
  const original = error instanceof ExampleFailed ? error.failure : null
  // Send the minimal example once more, recorded, so the report shows its exchange.
  const again = (await judged(property, ctx, example)) ?? original
  const failure = again ?? fail(String(error), 'no error', String(error))
  const { numShrinks, numRuns } = details
  return fail(
    `${failure.message} (minimal example after ${numShrinks} shrinks, run ${numRuns})`,
    failure.expected,
    { example: property.describe(example), answer: failure.actual },
  )
}
