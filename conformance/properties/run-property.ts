/**
 * Runs a model-based property of the conformance harness (DESIGN §5, spec §14.2) with fast-check:
 * sequences of commands are generated from ctx.seed, each command's outcome is predicted by a
 * model of the specification and compared with what the device does, and a failing sequence is
 * shrunk to a minimal one. The verdict names that sequence with each command's prediction, and
 * ctx.setReplay records the seed and shrink path that reproduce it exactly (--replay); when
 * replaying, the path is run once, without shrinking again.
 */
import fc from 'fast-check'
import type { CaseContext, Verdict } from '../model.ts'
import { CaseFailure, fail, PASS, SetupError } from '../verdicts.ts'

/**
 * One step of a sequence. `predict` is pure: it returns what the device must do and advances the
 * model; `run` sends the step to the device and throws (with expected and actual in its message)
 * when the device does otherwise.
 */
export interface ModelCommand<Model, Real, Outcome> {
  check(model: Readonly<Model>): boolean
  predict(model: Model): Outcome
  run(model: Model, real: Real): Promise<void>
  toString(): string
}

export interface ModelProperty<Model, Real, Outcome> {
  readonly commands: fc.Arbitrary<ModelCommand<Model, Real, Outcome>>
  readonly maxCommands: number
  readonly initialModel: () => Model
  /** Prepares the real side of one run (e.g. opens a session). */
  readonly setup: (model: Model) => Promise<Real>
  readonly teardown: (real: Real) => void | Promise<void>
  /** Wall-clock budget, after which fast-check stops and reports what it has. */
  readonly timeLimitMs: number
  /** How a predicted outcome reads in the report. */
  readonly describe: (outcome: Outcome) => string
}

/** fast-check's AsyncCommand over a ModelCommand. */
function asFastCheck<Model extends object, Real, Outcome>(
  command: ModelCommand<Model, Real, Outcome>,
): fc.AsyncCommand<Model, Real> {
  return {
    check: (model) => command.check(model),
    run: (model, real) => command.run(model, real),
    toString: () => command.toString(),
  }
}

/** The commands a sequence really executes (those whose precondition holds), with predictions. */
export function explain<Model, Real, Outcome>(
  model: Model,
  commands: readonly ModelCommand<Model, Real, Outcome>[],
  describe: (outcome: Outcome) => string,
): string[] {
  const steps: string[] = []
  for (const command of commands) {
    if (!command.check(model)) continue
    steps.push(`${command.toString()} → ${describe(command.predict(model))}`)
  }
  return steps
}

/** A progress line at most every PROGRESS_MS: a property case may run for half a minute. */
const PROGRESS_MS = 5000

function runProgress(ctx: CaseContext): () => void {
  let run = 0
  let last = Date.now()
  return () => {
    run += 1
    if (ctx.progress === undefined || Date.now() - last < PROGRESS_MS) return
    last = Date.now()
    ctx.progress(`  … run ${run} of ${ctx.runs}`)
  }
}

function messageOf(error: unknown): string {
  if (error instanceof CaseFailure) {
    const v = error.verdict
    return v.status === 'fail' ? `${v.message}: expected ${JSON.stringify(v.expected)}, got ${JSON.stringify(v.actual)}` : v.reason
  }
  return error instanceof Error ? error.message : String(error)
}

/** Checks the property with ctx.seed and ctx.runs (or ctx.replay); the verdict of the case. */
export async function checkModel<Model extends object, Real, Outcome>(
  ctx: CaseContext,
  property: ModelProperty<Model, Real, Outcome>,
): Promise<Verdict> {
  const sequences = fc.array(property.commands, { maxLength: property.maxCommands })
  const progress = runProgress(ctx)
  const prop = fc.asyncProperty(sequences, async (commands) => {
    progress()
    const model = property.initialModel()
    const real = await property.setup(model)
    try {
      await fc.asyncModelRun(() => ({ model, real }), commands.map(asFastCheck))
    } finally {
      await property.teardown(real)
    }
  })
  const replay = ctx.replay
  const details = await fc.check(prop, {
    seed: replay?.seed ?? ctx.seed,
    numRuns: ctx.runs,
    interruptAfterTimeLimit: property.timeLimitMs,
    ...(replay?.path === undefined ? {} : { path: replay.path, endOnFailure: true }),
  })
  ctx.record({ step: 'property', actual: { runs: details.numRuns, shrinks: details.numShrinks, seed: details.seed } })
  // A broken PIN command is the run's problem, not a counterexample of the device (§14.2).
  if (details.errorInstance instanceof SetupError) throw details.errorInstance
  if (!details.failed) return PASS
  if (details.counterexample === null) {
    return fail('the property was interrupted before a verdict', `${ctx.runs} runs`, `${details.numRuns} runs`)
  }
  ctx.setReplay({ seed: details.seed, path: details.counterexamplePath })
  const [commands] = details.counterexample
  const steps = explain(property.initialModel(), commands, property.describe)
  return fail(`a sequence of ${steps.length} steps breaks the model: ${messageOf(details.errorInstance)}`,
    { sequence: steps }, { sequence: steps, failure: messageOf(details.errorInstance) })
}
