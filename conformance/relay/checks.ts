/**
 * Checks shared by the relay cases: a close with exactly a registered code and its registry name as
 * reason (spec §15.6 pw-relay-15.6-close-reason), a problem answer of the gate (spec §15.2), and
 * no secret or request echo in anything the relay returns (spec §15.9).
 */
import { problemType, type CloseEntry, type ProblemEntry } from '../../protocol/registry.ts'
import { fail, type FailVerdict } from '../verdicts.ts'
import type { Closed, RawAnswer } from './wire.ts'
import { parseJson } from './wire.ts'

export function closedWith(what: string, closed: Closed | null, entry: CloseEntry): FailVerdict | null {
  const expected = { code: entry.code, reason: entry.reason }
  if (closed === null) return fail(`${what}: still open`, expected, 'open')
  if (closed.code !== entry.code || closed.reason !== entry.reason) {
    return fail(`${what}: closed with another code or reason`, expected, { code: closed.code, reason: closed.reason })
  }
  return null
}

export function refusedWith(what: string, answer: RawAnswer, entry: ProblemEntry): FailVerdict | null {
  const body = parseJson(answer.body) as { type?: unknown; status?: unknown } | undefined
  const expected = { status: entry.status, type: problemType(entry) }
  const actual = { status: answer.status, type: body?.type ?? null }
  if (answer.status === 101) return fail(`${what}: upgraded instead of refused before the upgrade`, expected, 101)
  if (answer.status !== entry.status || body?.type !== problemType(entry)) return fail(`${what}: another answer`, expected, actual)
  return null
}

/** Spec §15.9: the answer repeats none of `secrets` (query values, headers the harness sent). */
export function echoesNothing(what: string, text: string, secrets: readonly string[]): FailVerdict | null {
  const leaked = secrets.filter((s) => text.includes(s))
  return leaked.length === 0 ? null : fail(`${what}: the relay's answer repeats what the request carried`, 'none of it', leaked)
}

/** The slack allowed on a timer of the relay under test, ms. */
export const TIMER_SLACK_MS = 1500
