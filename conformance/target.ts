/**
 * The first step of every run: read the device's discovery document (spec §4) and check that it
 * is usable. An unreachable device or an invalid document makes the whole run unusable (exit 2),
 * with a message that says which.
 */
import { PATHS } from '../protocol/registry.ts'
import { validateMessage } from '../schemas/validate.ts'
import { httpRequest, mediaType } from './drivers/http.ts'
import { RequestPacer } from './drivers/pacer.ts'
import type { Exchange, Target } from './model.ts'
import { CaseFailure } from './verdicts.ts'

export type TargetResult =
  | { readonly ok: true; readonly target: Target }
  | { readonly ok: false; readonly message: string }

/** Normalises a device URL: http(s) only, no path, query or trailing slash. */
export function deviceUrl(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === ''
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) return undefined
  return `${url.protocol}//${url.host}`
}

/** A rate no harness reaches: the pacer of the discovery request never waits. */
const UNPACED_PER_MINUTE = 1e9

/** GET /.well-known/pairwire and validate it against the `discovery` schema. */
export async function loadTarget(url: string, timeoutMs: number): Promise<TargetResult> {
  const exchanges: Exchange[] = []
  // Limits are unknown before discovery: pace nothing, but wait out a 429 rate-limited (the
  // device's per-IP bucket may still be empty from a previous run, spec §10.3).
  const pacer = new RequestPacer(UNPACED_PER_MINUTE)
  const probe: Target = { url, discovery: undefined as unknown as Target['discovery'], pacer }
  const ctx = { target: probe, timeoutMs, record: (e: Exchange) => void exchanges.push(e) }
  let res
  try {
    res = await httpRequest(ctx, { method: 'GET', path: PATHS.discovery })
  } catch (error) {
    const detail = error instanceof CaseFailure ? String(exchanges[0]?.actual) : String(error)
    return { ok: false, message: `cannot reach ${url}${PATHS.discovery}: ${detail}` }
  }
  if (res.status !== 200) {
    const message = `${url}${PATHS.discovery} answered ${res.status}, not 200 (spec §4.1)`
    return { ok: false, message }
  }
  if (mediaType(res.headers['content-type']) !== 'application/json' || res.json === undefined) {
    return { ok: false, message: `${url}${PATHS.discovery} did not answer JSON (spec §4.1)` }
  }
  const valid = validateMessage('discovery', res.json)
  if (!valid.ok) {
    return { ok: false, message: `the discovery document is invalid (spec §4.2): ${valid.errors}` }
  }
  const date = Date.parse(res.headers['date'] ?? '')
  // An HTTP-date has 1 s resolution (RFC 9110 §5.6.7): the device's time is the middle of it.
  const clock = Number.isNaN(date) ? {} : { clockOffsetMs: date + 500 - Date.now() }
  return { ok: true, target: { url, discovery: valid.value, ...clock } }
}
