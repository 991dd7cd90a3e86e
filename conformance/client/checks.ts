/**
 * The checks client-mode cases make (spec §12.3, §14.2): each returns null when the client did
 * what the spec requires, or a fail verdict naming the expectation and what happened.
 */
import { PATHS, problemType, SIZES, type CloseEntry, type ProblemEntry } from '../../protocol/registry.ts'
import { CaseFailure, fail, skip, type FailVerdict } from '../verdicts.ts'
import { requestsTo, sessionsOf, type SessionRecord } from './device.ts'
import type { Outcome } from './model.ts'

/** The adapter's exit (spec §12.3): 0 success, 1 refused, 2 verification, 3 usage or I/O. */
export const ADAPTER_EXIT = { ok: 0, refused: 1, verification: 2, usage: 3 } as const

const exitOf = (o: Outcome): number | string => (o.run.timedOut ? 'killed after the time limit' : (o.run.exitCode ?? 'none'))

function errorObject(o: Outcome): { problem?: unknown; close_code?: unknown; message?: unknown } | undefined {
  const value = o.run.stderrJson as { error?: unknown } | undefined
  const error = value?.error
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : undefined
}

export function succeeded(o: Outcome, what = 'the operation succeeds'): FailVerdict | null {
  if (o.run.exitCode === ADAPTER_EXIT.ok && !o.run.timedOut) return null
  return fail(`the client failed where ${what}`, 'exit 0', { exit: exitOf(o), stderr: o.run.stderrJson ?? o.run.stderr.slice(0, 300) })
}

/** The client stopped: any exit but 0, within the time limit. */
export function stopped(o: Outcome, why: string): FailVerdict | null {
  if (o.run.timedOut) return fail(`the client did not finish (${why})`, 'a prompt non-zero exit', 'killed after the time limit')
  if (o.run.exitCode !== ADAPTER_EXIT.ok) return null
  return fail(`the client went on: ${why}`, 'a non-zero exit', { exit: 0, stdout: o.run.stdoutJson ?? o.run.stdout.slice(0, 300) })
}

/** Exit 2 with the error object: the device failed the client's verification (§12.3). */
export function failedVerification(o: Outcome, why: string): FailVerdict | null {
  const stop = stopped(o, why)
  if (stop !== null) return stop
  if (o.run.exitCode === ADAPTER_EXIT.verification) return null
  return fail(`the client did not report a verification failure (${why})`, 'exit 2 (§12.3)', { exit: exitOf(o), stderr: o.run.stderrJson ?? o.run.stderr.slice(0, 300) })
}

/** Exit `code` of §12.3 with the error object's close_code null: not a close the client honours. */
export function exitedWithoutClose(o: Outcome, code: number, why: string): FailVerdict | null {
  const error = errorObject(o)
  if (o.run.exitCode === code && !o.run.timedOut && error?.close_code === null) return null
  return fail(`the client did not report ${why} as §12.3 says`, { exit: code, close_code: null },
    { exit: exitOf(o), error: error ?? o.run.stderr.slice(0, 300) })
}

/** The client's Close frame carried `code` (an RFC 6455 code: any reason, usually none). */
export function clientClosedWithCode(session: SessionRecord, code: number): FailVerdict | null {
  if (session.clientClose?.code === code) return null
  return fail(`the client did not close with ${code}`, { code }, session.clientClose ?? 'no Close frame')
}

/** Exit 1 and the device's problem type in the error object (§12.3). */
export function reportedProblem(o: Outcome, entry: ProblemEntry): FailVerdict | null {
  const error = errorObject(o)
  const expected = { exit: 1, problem: problemType(entry) }
  if (o.run.exitCode === ADAPTER_EXIT.refused && error?.problem === problemType(entry)) return null
  return fail(`the client did not report the device's ${entry.name} answer`, expected, { exit: exitOf(o), error: error ?? o.run.stderr.slice(0, 300) })
}

/** Exit 1 and the device's close code in the error object (§12.3, §7.9). */
export function reportedClose(o: Outcome, entry: CloseEntry): FailVerdict | null {
  const error = errorObject(o)
  const expected = { exit: 1, close_code: entry.code }
  if (o.run.exitCode === ADAPTER_EXIT.refused && error?.close_code === entry.code) return null
  return fail(`the client did not report the device's close ${entry.code} ${entry.reason}`, expected, { exit: exitOf(o), error: error ?? o.run.stderr.slice(0, 300) })
}

/** On failure the error object of §12.3 is on stderr, with its three members. */
export function errorObjectShape(o: Outcome): FailVerdict | null {
  const error = errorObject(o)
  const ok =
    error !== undefined &&
    (typeof error.problem === 'string' || error.problem === null) &&
    (Number.isInteger(error.close_code) || error.close_code === null) &&
    typeof error.message === 'string'
  if (ok) return null
  return fail('stderr does not hold the error object of §12.3', '{"error": {"problem", "close_code", "message"}}', o.run.stderr.slice(0, 300))
}

export function noCredentials(o: Outcome): FailVerdict | null {
  if (!o.credentials.exists) return null
  return fail('the client stored credentials of a pairing that failed', 'no credentials file', { mode: o.credentials.mode?.toString(8) })
}

export function credentialsOwnerOnly(o: Outcome): FailVerdict | null {
  if (o.credentials.exists && o.credentials.mode === 0o600) return null
  const actual = o.credentials.exists ? `mode ${o.credentials.mode?.toString(8)}` : 'no file'
  return fail('the credentials file is missing or readable by others', 'a file with mode 0600', actual)
}

/** The client sent nothing to `path` (it stopped before it). */
export function nothingSentTo(o: Outcome, path: string, why: string): FailVerdict | null {
  const sent = requestsTo(o.log, path)
  if (sent.length === 0) return null
  return fail(`the client went on to ${path} (${why})`, `no request to ${path}`, sent.map((r) => `${r.method} ${r.path}`))
}

export function noSession(o: Outcome, why: string): FailVerdict | null {
  const sessions = sessionsOf(o.log)
  if (sessions.length === 0) return null
  return fail(`the client opened a WebSocket (${why})`, 'no upgrade', `${sessions.length} upgrade(s)`)
}

/** The only session of the operation; fails the case when there is none. */
export function theSession(o: Outcome): SessionRecord {
  const sessions = sessionsOf(o.log)
  if (sessions.length === 0) {
    throw new CaseFailure(fail('the client opened no session', 'one WebSocket session', { exit: exitOf(o), stderr: o.run.stderrJson ?? o.run.stderr.slice(0, 300) }))
  }
  return sessions[0]!
}

/** Nothing of the response reached stdout: the client delivered nothing after the failure. */
export function noResponseDelivered(o: Outcome): FailVerdict | null {
  if (o.run.exitCode !== ADAPTER_EXIT.ok && (o.run.stdoutJson === undefined || o.run.stdout.trim() === '')) return null
  return fail('the client delivered a response after a frame that must end the session', 'no response on stdout, non-zero exit', { exit: exitOf(o), stdout: o.run.stdoutJson ?? o.run.stdout.slice(0, 300) })
}

/** The client closed the session with `entry` (its Close frame as the device received it). */
export function clientClosedWith(session: SessionRecord, entry: CloseEntry): FailVerdict | null {
  const close = session.clientClose
  if (close?.code === entry.code && close.reason === entry.reason) return null
  return fail(`the client did not close with ${entry.code} ${entry.reason}`, { code: entry.code, reason: entry.reason }, close ?? 'no Close frame')
}

/** The client sent no frame after the device broke the session (message 2 or a frame). */
export function nothingAfterBreak(session: SessionRecord): FailVerdict | null {
  if (session.framesAfterBreak === 0) return null
  return fail('the client sent frames after the device broke the session', 'no frame but Close', `${session.framesAfterBreak} frame(s)`)
}

/**
 * §7.10 pw-sess-7.10-only-when-accepted: the client sent no packed plaintext on a session whose
 * message 2 did not accept json_seq (the harness device accepts it only where a case says so).
 */
export function packedOnlyWhenAccepted(o: Outcome): FailVerdict | null {
  const unaccepted = sessionsOf(o.log).flatMap((s) => s.packed.filter((p) => !p.accepted))
  if (unaccepted.length === 0) return null
  return fail('the client sent a packed plaintext, but message 2 did not accept json_seq (§7.10 pw-sess-7.10-only-when-accepted)',
    'one JSON text per plaintext (§7.6)', unaccepted.map((p) => `a packed plaintext of ${p.elements} elements`))
}

/**
 * §7.10 pw-sess-7.10-at-most-64: no packed plaintext from the client had more than 64 elements.
 * An adapter makes one call per run, so no case can make a client pack that many; every session
 * case checks it all the same, as the device side's 7.10-at-most-64 case provokes it.
 */
export function packedAtMost64(o: Outcome): FailVerdict | null {
  const over = sessionsOf(o.log).flatMap((s) => s.packed.filter((p) => p.elements > SIZES.jsonSeqMaxElements))
  if (over.length === 0) return null
  return fail(`the client packed more than ${SIZES.jsonSeqMaxElements} elements into one plaintext (§7.10 pw-sess-7.10-at-most-64)`,
    `at most ${SIZES.jsonSeqMaxElements} elements`, over.map((p) => `a packed plaintext of ${p.elements} elements`))
}

/** Skips the case when an optional subcommand is not implemented (exit 3, nothing sent). */
export function requireSupported(o: Outcome, subcommand: string): void {
  if (o.run.exitCode === ADAPTER_EXIT.usage && o.log.length === 0) {
    throw new CaseFailure(skip(`the adapter does not implement the optional ${subcommand} (§12.3)`, 'not-supported'))
  }
}

export const TICKETS = PATHS.tickets
