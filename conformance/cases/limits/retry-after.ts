/** The Retry-After rule of spec §10.3: an integer number of seconds ≥ 1 (RFC 9110 §10.2.3). */
import { summarize, type HttpResponse } from '../../drivers/http.ts'
import { fail, type FailVerdict } from '../../verdicts.ts'

export function expectRetryAfter(res: HttpResponse): FailVerdict | null {
  const value = res.headers['retry-after']
  if (value !== undefined && /^[0-9]+$/.test(value) && Number(value) >= 1) return null
  const message = `a ${res.status} answer without a Retry-After of whole seconds ≥ 1`
  return fail(message, 'Retry-After: <integer ≥ 1>', summarize(res))
}
