/**
 * Reading a request body under the limits of spec §10.1 steps 4-6, before anything parses it:
 * 4. Content-Length > max_body → 413 body-too-large without reading a byte;
 * 5. the declared size (max_body for a chunked body) must fit the global in-flight byte budget
 *    (§10.4) → 503 overloaded otherwise; the reservation is released when the response ends;
 * 6. the bytes are counted while they arrive and reading stops past max_body → 413.
 * Refusals made before the body is read close the connection after the answer (§10.2), and an
 * Expect: 100-continue gets its 100 Continue only once steps 4-5 passed. The media
 * type is step 8, after authentication for signed endpoints: requireJsonMediaType.
 */
import { PROBLEMS } from '../../protocol/registry.ts'
import type { InflightBudget } from '../limits/inflight-budget.ts'
import { HttpProblem } from './http-problem.ts'
import type { Exchange } from './router.ts'

export const JSON_MEDIA_TYPE = 'application/json'

export interface BodyRules {
  readonly maxBody: number
  /** False only under fault accept-oversized-body. */
  readonly enforceMaxBody: boolean
  readonly inflight: InflightBudget
}

/** The media type of a Content-Type field value, without parameters, lowercased. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}

function declaredLength(ex: Exchange): number | undefined {
  const field = ex.req.headers['content-length']
  // Node has already refused a Content-Length that is not a single non-negative integer.
  return field === undefined ? undefined : Number(field)
}

function refuse(entry: typeof PROBLEMS.bodyTooLarge | typeof PROBLEMS.overloaded): never {
  throw new HttpProblem(entry, { closeConnection: true })
}

/** Reads the whole body within `rules`; an empty Uint8Array when the request has none. */
export async function readBody(ex: Exchange, rules: BodyRules): Promise<Uint8Array> {
  const declared = declaredLength(ex)
  const chunked = ex.req.headers['transfer-encoding'] !== undefined
  if (!chunked && (declared ?? 0) === 0) return new Uint8Array(0)
  if (rules.enforceMaxBody && declared !== undefined && declared > rules.maxBody) {
    refuse(PROBLEMS.bodyTooLarge)
  }
  const release = rules.inflight.reserve(declared ?? rules.maxBody)
  if (release === undefined) refuse(PROBLEMS.overloaded)
  ex.res.once('close', release)
  // RFC 9110 §10.1.1: the client waits for 100 Continue; only now is the body welcome (§10.2).
  if (ex.req.headers.expect?.toLowerCase() === '100-continue') ex.res.writeContinue()
  return collect(ex, rules)
}

/** §10.1 step 8: a non-empty body must be application/json (parameters and case aside). */
export function requireJsonMediaType(ex: Exchange, body: Uint8Array): void {
  if (body.length > 0 && mediaType(ex.req.headers['content-type']) !== JSON_MEDIA_TYPE) {
    throw new HttpProblem(PROBLEMS.unsupportedMediaType)
  }
}

function collect(ex: Exchange, rules: BodyRules): Promise<Uint8Array> {
  const { req } = ex
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (rules.enforceMaxBody && received > rules.maxBody) {
        // Stop reading; the 413 goes out with Connection: close and the rest is never read.
        detach()
        req.pause()
        reject(new HttpProblem(PROBLEMS.bodyTooLarge, { closeConnection: true }))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      detach()
      resolve(new Uint8Array(Buffer.concat(chunks, received)))
    }
    // A body cut short by the peer is an incomplete message; nobody will read the answer.
    const onAbort = () => {
      detach()
      reject(new HttpProblem(PROBLEMS.malformedRequest, { closeConnection: true }))
    }
    const detach = () => {
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort)
    }
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort)
  })
}
