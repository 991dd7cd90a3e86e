/**
 * Table-driven request checks shared by the case areas of §2, §4, §10 and §12: each probe is
 * one request and the registry problem it must be answered with (spec §2.6); a case runs its
 * table and fails with every probe that was answered otherwise, expected against actual.
 */
import type { ProblemEntry } from '../../protocol/registry.ts'
import {
  expectProblem,
  httpRequest,
  type HttpRequest,
  type HttpResponse,
} from '../drivers/http.ts'
import type { CaseContext, Verdict } from '../model.ts'
import { fail, PASS, type FailVerdict } from '../verdicts.ts'

export interface Probe {
  readonly request: HttpRequest & { readonly step: string }
  /** The problem the device must answer with. */
  readonly problem: ProblemEntry
  /** A further check of the answer (e.g. the Allow field of a 405). */
  readonly check?: (res: HttpResponse) => FailVerdict | null
}

/** A probe: `step` names it in the report; `body` and `headers` are optional. */
export function probe(
  step: string,
  request: Omit<HttpRequest, 'step'>,
  problem: ProblemEntry,
  check?: Probe['check'],
): Probe {
  return { request: { ...request, step }, problem, ...(check === undefined ? {} : { check }) }
}

/** Sends every probe; passes when each got its problem, else fails listing those that did not. */
export async function runProbes(ctx: CaseContext, probes: readonly Probe[]): Promise<Verdict> {
  const failures: { step: string; failure: FailVerdict }[] = []
  for (const { request, problem, check } of probes) {
    const expected = { status: problem.status, problem: problem.name }
    const res = await httpRequest(ctx, { ...request, expected })
    const failure = expectProblem(res, problem) ?? check?.(res) ?? null
    if (failure !== null) failures.push({ step: request.step, failure })
  }
  if (failures.length === 0) return PASS
  const first = failures[0]!
  return fail(
    `${failures.length} of ${probes.length} requests answered wrongly; ` +
      `first: ${first.step}: ${first.failure.message}`,
    Object.fromEntries(failures.map(({ step, failure }) => [step, failure.expected])),
    Object.fromEntries(failures.map(({ step, failure }) => [step, failure.actual])),
  )
}
