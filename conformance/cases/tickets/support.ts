/**
 * Helpers shared by the ticket and gate cases (spec §6, §7.2): send an upgrade that the gate must
 * refuse and check the problem it answers, without any upgrade (§7.2).
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { base64urlEncode } from '../../../protocol/encoding.ts'
import { SIZES, type ProblemEntry } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectProblem } from '../../drivers/http.ts'
import { openSocket } from '../../drivers/session-socket.ts'
import type { CaseContext } from '../../model.ts'
import { fail, type FailVerdict } from '../../verdicts.ts'

/** A well-formed ticket the device never issued. */
export function unknownTicket(): string {
  return base64urlEncode(defaultBackend.randomBytes(SIZES.ticket))
}

/** Opens the session path with `query` and expects the gate to refuse it with `entry`. */
export async function expectGateRefusal(
  ctx: CaseContext,
  query: string,
  entry: ProblemEntry,
  step: string,
): Promise<FailVerdict | null> {
  const expected = { status: entry.status, problem: entry.name }
  const answer = await openSocket(ctx, query, { step, expected })
  if (answer.kind === 'upgraded') {
    answer.socket.terminate()
    return fail(`${step}: the device upgraded a request its gate must refuse (§7.2)`, expected, { status: 101 })
  }
  return expectProblem(answer.response, entry)
}

/** Runs gate refusals and fails with every one that was answered otherwise. */
export function expectGateRefusals(
  ctx: CaseContext,
  probes: readonly (readonly [step: string, query: string, entry: ProblemEntry])[],
): Promise<FailVerdict | null> {
  return allOf(probes.map(([step, query, entry]) => [step, () => expectGateRefusal(ctx, query, entry, step)] as const))
}
