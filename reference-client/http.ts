/**
 * HTTP exchanges with the device (spec §2, §4 - §8): JSON in, JSON out, and one mapping of every
 * answer to a result or a ClientError. A non-2xx answer is the device refusing: an RFC 9457
 * problem (spec §11.1) whose members are all kept. A 2xx answer that fails its message schema is
 * the device failing verification. A request that never gets an answer is a transport error.
 */
import { LABELS } from '../protocol/registry.ts'
import { validateMessage, type Message, type MessageName } from '../schemas/validate.ts'
import { ClientError, type ProblemDetails, type VerificationStep } from './errors.ts'
import type { FetchFunction } from './platform.ts'

export const JSON_MEDIA_TYPE = 'application/json'

// RFC 9457 §4.2.1: a problem without a type (or an answer that is not a problem) is about:blank.
const UNTYPED_PROBLEM = 'about:blank'

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The problem carried by a refusal. The HTTP status is authoritative (RFC 9457 §3.1.2); a body
 * that is not problem+json still yields a problem, typed about:blank.
 */
export function problemFromBody(
  status: number,
  contentType: string | null | undefined,
  text: string,
): ProblemDetails {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  const body = mediaType === LABELS.problemContentType ? parseJson(text) : undefined
  if (!isRecord(body) || typeof body.type !== 'string') return { type: UNTYPED_PROBLEM, status }
  return { ...body, type: body.type, status }
}

/**
 * Sends a request; a failure to get any answer is a transport ClientError. Redirects are refused:
 * a device never sends one, and a signed request must reach the URI it signed (spec §8.4).
 */
export async function send(
  fetchFn: FetchFunction,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetchFn(url, { ...init, redirect: 'error' })
  } catch (cause) {
    // A transport that knows why (a relay's close code, spec §15.6) reports that instead.
    if (cause instanceof ClientError) throw cause
    throw ClientError.transport('the device could not be reached', cause)
  }
}

async function readText(response: Response): Promise<string> {
  try {
    return await response.text()
  } catch (cause) {
    throw ClientError.transport('the answer could not be read', cause)
  }
}

/** Throws the device's refusal when `response` is not 2xx. */
export async function requireSuccess(response: Response): Promise<void> {
  if (response.ok) return
  const text = await readText(response)
  const contentType = response.headers.get('content-type')
  const problem = problemFromBody(response.status, contentType, text)
  throw ClientError.problem(problem, response.headers.get('retry-after'))
}

/**
 * The body as text, or undefined when it is longer than `limit` bytes: reading stops there, so a
 * hostile answer costs at most `limit` bytes of memory.
 */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined)
    return undefined
  }
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > limit) {
        await reader.cancel().catch(() => undefined)
        return undefined
      }
      chunks.push(value)
    }
  } catch (cause) {
    throw ClientError.transport('the answer could not be read', cause)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) (bytes.set(chunk, at), (at += chunk.length))
  return new TextDecoder().decode(bytes)
}

/**
 * Reads a 2xx JSON answer as message `name`; anything else fails verification step `what`, and
 * so does a body longer than `limit` bytes when a limit is given (spec §4.4 discovery).
 */
export async function readMessage<N extends MessageName>(
  response: Response,
  name: N,
  what: VerificationStep,
  limit?: number,
): Promise<Message<N>> {
  await requireSuccess(response)
  const text = limit === undefined ? await readText(response) : await readLimited(response, limit)
  if (text === undefined) throw ClientError.verification(what, `the answer is longer than ${limit} bytes`)
  const checked = validateMessage(name, parseJson(text))
  if (!checked.ok) throw ClientError.verification(what, checked.errors)
  return checked.value
}

/** A JSON request body with its media type (the device answers others with 415, spec §10). */
export function jsonRequest(method: string, body: unknown): RequestInit {
  return {
    method,
    headers: { 'content-type': JSON_MEDIA_TYPE, accept: JSON_MEDIA_TYPE },
    body: JSON.stringify(body),
  }
}
