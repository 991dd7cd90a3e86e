/**
 * Shared by the replay cases (spec §14): a vector's expected HTTP answer or close as a registry
 * entry, and one failure that lists every replayed test answered otherwise, by tcId, so that a
 * wrong vector or a wrong device shows exactly which test disagrees.
 */
import { CLOSES, PROBLEMS, problemType, type CloseEntry, type ProblemEntry } from '../../../protocol/registry.ts'
import { expectProblem, type HttpResponse } from '../../drivers/http.ts'
import { failCase } from '../../verdicts.ts'

/** The registry entry of a problem type URI a vector expects; a vector naming none is broken. */
export function problemOf(type: string): ProblemEntry {
  const entry = Object.values(PROBLEMS).find((p) => problemType(p) === type)
  if (entry === undefined) failCase(`the vector expects an unregistered problem ${type}`, 'a registered type', type)
  return entry
}

/** The registry entry of a close code a vector expects. */
export function closeOf(code: number): CloseEntry {
  const entry = Object.values(CLOSES).find((c) => c.code === code)
  if (entry === undefined) failCase(`the vector expects an unregistered close ${code}`, 'a registered code', code)
  return entry
}

/** The answer a vector expects (its status and problem type), checked like any problem answer. */
export function vectorProblemMismatch(
  res: HttpResponse,
  expected: { problem: string; status: number },
): { expected: unknown; actual: unknown } | null {
  const entry = problemOf(expected.problem)
  if (entry.status !== expected.status) {
    return { expected: { status: expected.status, problem: expected.problem }, actual: `registry status ${entry.status}` }
  }
  const wrong = expectProblem(res, entry)
  return wrong === null ? null : { expected: wrong.expected, actual: wrong.actual }
}

/** Collects the tests answered otherwise than their vector says. */
export class ReplayTally {
  readonly #failures: Record<string, unknown> = {}
  #run = 0

  constructor(private readonly file: string) {}

  /** Records one replayed test; `failure` is null when the device answered as the vector says. */
  add(tcId: number, comment: string, failure: { expected: unknown; actual: unknown } | null): void {
    this.#run++
    if (failure !== null) this.#failures[`tcId ${tcId} (${comment})`] = failure
  }

  /** Fails the case with every disagreeing test; a replay that ran nothing is a failure too. */
  finish(): void {
    if (this.#run === 0) failCase(`no test of vectors/${this.file} was replayed`, 'at least one', 0)
    const failed = Object.keys(this.#failures).length
    if (failed > 0) {
      failCase(`${failed} of ${this.#run} tests of vectors/${this.file} were answered otherwise than the vector says`,
        'the answer of each vector', this.#failures)
    }
  }
}
