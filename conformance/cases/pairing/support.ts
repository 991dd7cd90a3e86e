/**
 * Helpers shared by the pairing cases (spec §5): a wrong PIN, one failed confirmation, and the
 * check of a `confirmation-failed` answer with its `attempts_remaining` member (§5.8).
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { clientConfirmation, pairFinish, startPairing } from '../../drivers/pairing.ts'
import type { HttpResponse } from '../../drivers/http.ts'
import { expectProblem } from '../../drivers/http.ts'
import type { CaseContext } from '../../model.ts'
import { fail, type FailVerdict } from '../../verdicts.ts'

/** A PIN that differs from `pin` in its last digit. */
export function wrongPin(pin: string): string {
  const last = Number(pin.slice(-1))
  return pin.slice(0, -1) + String((last + 1) % 10)
}

/** pair/start with `pin` (a wrong one) and pair/finish with the cA it yields. */
export async function failedAttempt(ctx: CaseContext, pin: string, step: string): Promise<HttpResponse> {
  const started = await startPairing(ctx, { pin, step: `${step}: pair/start` })
  return pairFinish(ctx, started.pairingId, clientConfirmation(started).cA, `${step}: pair/finish`)
}

/** 403 confirmation-failed with `attempts_remaining` equal to `remaining` (§5.8). */
export function expectAttemptsRemaining(res: HttpResponse, remaining: number): FailVerdict | null {
  const problem = expectProblem(res, PROBLEMS.confirmationFailed)
  if (problem !== null) return problem
  const actual = (res.json as { attempts_remaining?: unknown }).attempts_remaining
  if (actual === remaining) return null
  return fail('attempts_remaining must be max_pin_failures minus the failures so far (§5.8)',
    { attempts_remaining: remaining }, { attempts_remaining: actual })
}
