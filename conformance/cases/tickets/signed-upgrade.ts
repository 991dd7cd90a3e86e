/**
 * Helpers of the signed-upgrade cases (spec §7.2 steps 3s and 4s): the GET of the session path
 * signed as a §8 request without a body, sent as an opening handshake.
 */
import { PATHS, PROBLEMS, type ProblemEntry } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import type { PairedClient } from '../../drivers/pairing.ts'
import { openSocket, type GateAnswer } from '../../drivers/session-socket.ts'
import { prepareSigned, type SignOptions, type SignedHttpRequest } from '../../drivers/signed.ts'
import type { CaseContext } from '../../model.ts'
import { fail, failCase, skipCase, type FailVerdict } from '../../verdicts.ts'

/** A signed upgrade as a conforming client sends it, with the overrides of `options`. */
export function signUpgrade(
  ctx: CaseContext,
  client: PairedClient,
  options: Partial<SignOptions> = {},
): SignedHttpRequest {
  return prepareSigned(ctx, client, { method: 'GET', path: PATHS.websocket, ...options })
}

/** Sends `signed` as the opening handshake of the session path (no ticket parameter). */
export function sendUpgrade(ctx: CaseContext, signed: SignedHttpRequest, step: string): Promise<GateAnswer> {
  return openSocket(ctx, '', { step, headers: signed.headers })
}

/**
 * The answer to a conforming signed upgrade: the socket when upgraded. A device that answers 401
 * ticket-missing does not accept signed upgrades, which §7.2 allows, and refused it cleanly: the
 * case is skipped with that reason. Any other refusal fails it.
 */
export async function acceptedUpgrade(ctx: CaseContext, signed: SignedHttpRequest, step: string) {
  const answer = await sendUpgrade(ctx, signed, step)
  if (answer.kind === 'upgraded') return answer.socket
  if (expectProblem(answer.response, PROBLEMS.ticketMissing) === null) {
    skipCase('the device does not accept signed upgrades (optional, §7.2): it answered 401 ticket-missing')
  }
  const { status, json } = answer.response
  return failCase(`${step}: a valid signed upgrade was refused (§7.2)`, { status: 101 }, { status, json })
}

/** Sends `signed` and expects the gate to refuse it with `entry`, without upgrading. */
export async function expectUpgradeRefused(
  ctx: CaseContext,
  signed: SignedHttpRequest,
  entry: ProblemEntry,
  step: string,
): Promise<FailVerdict | null> {
  const answer = await sendUpgrade(ctx, signed, step)
  if (answer.kind === 'upgraded') {
    answer.socket.terminate()
    return fail(`${step}: the device upgraded a signed upgrade it must refuse (§7.2)`, entry.name, { status: 101 })
  }
  return expectProblem(answer.response, entry)
}
