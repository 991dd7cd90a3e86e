/**
 * Verdict helpers shared by every case (DESIGN §5): build pass / fail / skip verdicts, combine the
 * checks of a case, and abort a case from deep inside a driver with a CaseFailure that the runner
 * turns into a 'fail' verdict (a misbehaving device never crashes the harness).
 */
import type { SkipCause, Verdict } from './model.ts'

export type FailVerdict = Extract<Verdict, { status: 'fail' }>
export type SkipVerdict = Extract<Verdict, { status: 'skip' }>

export const PASS: Verdict = { status: 'pass' }

export function fail(message: string, expected: unknown, actual: unknown): FailVerdict {
  return { status: 'fail', message, expected, actual }
}

export function skip(reason: string, cause?: SkipCause): SkipVerdict {
  return { status: 'skip', reason, ...(cause === undefined ? {} : { cause }) }
}

/**
 * A problem of the run's setup, not of the device (a PIN command that fails or prints no PIN):
 * the runner stops the run with exit 2 and says what was wrong (spec §14.2).
 */
export class SetupError extends Error {
  override name = 'SetupError'
}

/** Thrown by drivers and by `must`; the runner reports its verdict as the case's verdict. */
export class CaseFailure extends Error {
  readonly verdict: FailVerdict | SkipVerdict

  constructor(verdict: FailVerdict | SkipVerdict) {
    super(verdict.status === 'fail' ? verdict.message : verdict.reason)
    this.name = 'CaseFailure'
    this.verdict = verdict
  }
}

/** The first failed check, or pass when every check returned null. */
export function firstFailure(...checks: readonly (FailVerdict | null)[]): Verdict {
  return checks.find((check) => check !== null) ?? PASS
}

/** Aborts the case with `check` when it is a failure; returns normally otherwise. */
export function must(check: FailVerdict | null): void {
  if (check !== null) throw new CaseFailure(check)
}

/** Aborts the case with a skip verdict (e.g. a precondition the device cannot provide). */
export function skipCase(reason: string): never {
  throw new CaseFailure(skip(reason))
}

/** Aborts the case with a fail verdict. */
export function failCase(message: string, expected: unknown, actual: unknown): never {
  throw new CaseFailure(fail(message, expected, actual))
}

/**
 * A case body's verdict within `limitMs`: a CaseFailure gives its own verdict, any other error or
 * the time limit a failure (a misbehaving target never crashes or hangs the harness). The relay
 * and profile runners use it; the server runner adds pacer time to its limit (runner.ts).
 */
export async function verdictWithin<V>(run: () => Promise<V>, limitMs: number): Promise<V | FailVerdict | SkipVerdict> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<FailVerdict>((resolve) => {
    timer = setTimeout(() => resolve(fail(`the case did not finish within ${limitMs / 1000} s`, 'a verdict', 'timeout')), limitMs)
  })
  try {
    return await Promise.race([
      run().catch((e: unknown) =>
        e instanceof CaseFailure ? e.verdict : fail(`the case raised an unexpected error: ${String(e)}`, 'a verdict', String(e)),
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
