/**
 * Checks shared by the case areas: combining the variants of one requirement (every variant runs,
 * and the verdict lists each one that failed with its expected and actual values), JSON equality,
 * and JSON-RPC error responses (spec §7.6, §8.9).
 */
import { fail, type FailVerdict } from '../verdicts.ts'

/** Runs the checks in order and fails with all that failed, by step. */
export async function allOf(
  checks: readonly (readonly [step: string, check: () => Promise<FailVerdict | null>])[],
): Promise<FailVerdict | null> {
  const expected: Record<string, unknown> = {}
  const actual: Record<string, unknown> = {}
  for (const [step, check] of checks) {
    const failure = await check()
    if (failure === null) continue
    expected[step] = failure.expected
    actual[step] = failure.actual
  }
  const count = Object.keys(actual).length
  if (count === 0) return null
  const first = Object.keys(actual)[0]!
  return fail(`${count} of ${checks.length} checks failed (first: ${first})`, expected, actual)
}

/** JSON values equal as JSON (object members in any order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return ka.length === kb.length &&
      ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  }
  return Object.is(a, b) || (a === 0 && b === 0)
}

/** A JSON-RPC error response with `code` and `id` (§7.6), or the failure. */
export function expectRpcError(
  response: Record<string, unknown>,
  entry: { code: number; message: string },
  id: unknown,
): FailVerdict | null {
  const error = response['error'] as { code?: unknown } | undefined
  const expected = { jsonrpc: '2.0', id, error: { code: entry.code, message: entry.message } }
  if (response['jsonrpc'] !== '2.0' || error?.code !== entry.code || response['id'] !== id ||
    'result' in response) {
    return fail(`expected JSON-RPC error ${entry.code} with id ${JSON.stringify(id)}`, expected, response)
  }
  return null
}
