/**
 * The HTTP driver of the conformance harness: one request to the device under test with a
 * timeout (ctx.timeoutMs), recorded as an Exchange for the report, plus the checks every case
 * shares: status, RFC 9457 problem details against the registry (spec §2.6, §11.1) and message
 * schemas (schemas/validate.ts). Network failures and timeouts abort the case with a 'fail'
 * verdict (CaseFailure); they never escape as crashes.
 *
 * Exchanges record the method, path, status, content type and problem type, and a short preview
 * of JSON request bodies; response bodies are never recorded (test-control answers carry PINs).
 */
import { request } from 'undici'
import { LABELS, PROBLEMS, problemType, type ProblemEntry } from '../../protocol/registry.ts'
import { isMessageName, validateMessage } from '../../schemas/validate.ts'
import type { CaseContext } from '../model.ts'
import { CaseFailure, fail, type FailVerdict } from '../verdicts.ts'

/** The part of a CaseContext the driver needs (the runner's discovery step has no full ctx). */
export type HttpContext = Pick<CaseContext, 'target' | 'timeoutMs' | 'record' | 'rateLimitIsAnswer'>

export interface HttpRequest {
  readonly method: string
  /** Path and query, e.g. PATHS.pairStart; resolved against ctx.target.url. */
  readonly path: string
  /** Extra headers; a value of undefined removes a default (e.g. content-type). */
  readonly headers?: Readonly<Record<string, string | undefined>>
  /** A string or bytes are sent as is; any other object is JSON-encoded. */
  readonly body?: string | Uint8Array | object
  /** Label of the exchange in the report; defaults to "METHOD path". */
  readonly step?: string
  /** What the case expects, shown beside the actual answer in the report. */
  readonly expected?: unknown
  /** Leave the request body out of the report (it carries a secret). */
  readonly redactBody?: boolean
  /** Extra lines for the wire trace, after the headers (e.g. the signature base signed). */
  readonly trace?: readonly string[]
}

export interface HttpResponse {
  readonly status: number
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  readonly bodyText: string
  /** The parsed body when it is valid JSON. */
  readonly json?: unknown
}

const PREVIEW_CHARS = 200

function encodeBody(body: HttpRequest['body']): { bytes?: Uint8Array | string; json: boolean } {
  if (body === undefined) return { json: false }
  if (typeof body === 'string' || body instanceof Uint8Array) return { bytes: body, json: false }
  return { bytes: JSON.stringify(body), json: true }
}

function buildHeaders(req: HttpRequest, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {}
  if (hasBody) headers['content-type'] = 'application/json'
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const key = name.toLowerCase()
    if (value === undefined) delete headers[key]
    else headers[key] = value
  }
  return headers
}

function flattenHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

function preview(bytes: Uint8Array | string | undefined, redact: boolean): unknown {
  if (bytes === undefined) return undefined
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength
  if (redact || typeof bytes !== 'string') return `<${length} bytes>`
  if (bytes.length <= PREVIEW_CHARS) return bytes
  return `${bytes.slice(0, PREVIEW_CHARS)}… (${length} bytes)`
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** What the report shows of an answer: status, media type and problem type, never the body. */
export function summarize(res: HttpResponse): Record<string, unknown> {
  const summary: Record<string, unknown> = { status: res.status }
  for (const name of ['content-type', 'retry-after']) {
    if (res.headers[name] !== undefined) summary[name] = res.headers[name]
  }
  const type = (res.json as { type?: unknown } | undefined)?.type
  if (typeof type === 'string') summary['problem'] = type
  return summary
}

/** Times a request answered 429 rate-limited is sent again after its Retry-After. */
const RATE_LIMIT_RETRIES = 3
/** A Retry-After longer than this is not waited out: the request's answer stays the 429. */
const MAX_RETRY_AFTER_SECONDS = 60

/**
 * The seconds to wait before sending again a request the device refused with 429 rate-limited
 * (spec §10.3), or undefined when the answer is not such a refusal or the case judges it.
 */
function rateLimitWait(ctx: HttpContext, res: HttpResponse): number | undefined {
  if (ctx.rateLimitIsAnswer === true || ctx.target.pacer === undefined || res.status !== 429) {
    return undefined
  }
  if ((res.json as { type?: unknown } | undefined)?.type !== problemType(PROBLEMS.rateLimited)) {
    return undefined
  }
  const retryAfter = Number(res.headers['retry-after'])
  const valid = Number.isInteger(retryAfter) && retryAfter >= 1
  return valid && retryAfter <= MAX_RETRY_AFTER_SECONDS ? retryAfter : undefined
}

/** Takes the request's token of the advertised per-IP rate (drivers/pacer.ts). */
export async function pace(ctx: HttpContext): Promise<void> {
  if (ctx.rateLimitIsAnswer === true) ctx.target.pacer?.spend()
  else await ctx.target.pacer?.take()
}

/**
 * Sends within the advertised per-IP rate, and sends again after the Retry-After of a 429
 * rate-limited (recorded), unless the case judges rate limiting. `responseOf` picks the HTTP
 * answer out of what `send` resolves to (none for an upgraded WebSocket).
 */
export async function sendPaced<T>(
  ctx: HttpContext,
  send: () => Promise<T>,
  responseOf: (answer: T) => HttpResponse | undefined,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await pace(ctx)
    const answer = await send()
    const res = responseOf(answer)
    const wait = res !== undefined && attempt < RATE_LIMIT_RETRIES ? rateLimitWait(ctx, res) : undefined
    if (wait === undefined) return answer
    ctx.record({ step: `rate-limited (spec §10.3): waited ${wait} s to send it again` })
    await ctx.target.pacer!.refused(wait)
  }
}

/** Sends one request; a timeout or network error aborts the case with a 'fail' verdict. */
export function httpRequest(ctx: HttpContext, req: HttpRequest): Promise<HttpResponse> {
  return sendPaced(ctx, () => sendOnce(ctx, req), (res) => res)
}

async function sendOnce(ctx: HttpContext, req: HttpRequest): Promise<HttpResponse> {
  const { bytes } = encodeBody(req.body)
  const step = req.step ?? `${req.method} ${req.path}`
  const sent = { method: req.method, path: req.path, body: preview(bytes, req.redactBody === true) }
  const headers = buildHeaders(req, bytes !== undefined)
  const trace = requestTrace(req, headers, sent.body)
  let res: HttpResponse
  try {
    const answer = await request(ctx.target.url + req.path, {
      method: req.method as 'GET',
      headers,
      body: typeof bytes === 'object' ? Buffer.from(bytes) : bytes,
      signal: AbortSignal.timeout(ctx.timeoutMs),
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    })
    const bodyText = await answer.body.text()
    res = {
      status: answer.statusCode,
      headers: flattenHeaders(answer.headers),
      bodyText,
      json: parseJson(bodyText),
    }
  } catch (error) {
    const actual = `no answer: ${(error as Error).message}`
    ctx.record({ step, sent, expected: req.expected, actual, trace: [...trace, `<- ${actual}`] })
    const expected = req.expected ?? 'an HTTP answer'
    throw new CaseFailure(fail(`${step}: the device did not answer`, expected, actual))
  }
  const answerTrace = responseTrace(res)
  ctx.record({ step, sent, expected: req.expected, actual: summarize(res), trace: [...trace, ...answerTrace] })
  return res
}

/** Request line, headers, the driver's extra lines and the body preview (spec §14.2 -v). */
function requestTrace(req: HttpRequest, headers: Record<string, string>, body: unknown): string[] {
  return [
    `-> ${req.method} ${req.path} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ...(req.trace ?? []),
    ...(body === undefined ? [] : [`body: ${String(body)}`]),
  ]
}

/**
 * Status, headers and the body of a problem answer; other bodies are left out (a test-control
 * answer carries a PIN, a ticket answer a ticket).
 */
function responseTrace(res: HttpResponse): string[] {
  const problem = mediaType(res.headers['content-type']) === LABELS.problemContentType
  return [
    `<- ${res.status}`,
    ...Object.entries(res.headers).map(([name, value]) => `${name}: ${value}`),
    ...(problem ? [`body: ${res.bodyText.slice(0, 2 * PREVIEW_CHARS)}`] : []),
  ]
}

/** The media type of a Content-Type value, without parameters, lower case. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase()
}

export function expectStatus(res: HttpResponse, status: number): FailVerdict | null {
  if (res.status === status) return null
  return fail(`expected HTTP ${status}, got ${res.status}`, { status }, summarize(res))
}

/**
 * Checks an RFC 9457 answer against its registry entry (spec §2.6): HTTP status, media type
 * application/problem+json, and `type`, `title`, `status` members, then the problem schema.
 */
export function expectProblem(res: HttpResponse, entry: ProblemEntry): FailVerdict | null {
  const expected = {
    status: entry.status,
    'content-type': LABELS.problemContentType,
    problem: problemType(entry),
  }
  const body = res.json as { type?: unknown; title?: unknown; status?: unknown } | undefined
  const actual = { ...summarize(res), title: body?.title, 'body status': body?.status }
  if (res.status !== entry.status) {
    return fail(`expected HTTP ${entry.status} ${entry.name}, got ${res.status}`, expected, actual)
  }
  if (mediaType(res.headers['content-type']) !== LABELS.problemContentType) {
    return fail(`expected Content-Type ${LABELS.problemContentType}`, expected, actual)
  }
  if (typeof body !== 'object' || body === null) {
    const body = res.bodyText.slice(0, PREVIEW_CHARS)
    return fail('expected a JSON problem object', expected, { ...actual, body })
  }
  if (body.type !== problemType(entry)) {
    return fail(`expected problem type ${problemType(entry)}`, expected, actual)
  }
  if (body.title !== entry.title || body.status !== entry.status) {
    return fail('problem title and status must be those of the registry entry',
      { ...expected, title: entry.title }, actual)
  }
  return expectJsonSchema('problem', body)
}

/** Validates `value` against a schema of schemas/ (by message name). */
export function expectJsonSchema(name: string, value: unknown): FailVerdict | null {
  if (!isMessageName(name)) return fail(`harness error: no schema named ${name}`, name, undefined)
  const result = validateMessage(name, value)
  if (result.ok) return null
  return fail(`${name} does not match its schema: ${result.errors}`, `a valid ${name}`, value)
}

/** Checks a 2xx JSON answer: status, media type application/json, and the message schema. */
export function expectJsonMessage(
  res: HttpResponse,
  status: number,
  name: string,
): FailVerdict | null {
  const wrongStatus = expectStatus(res, status)
  if (wrongStatus !== null) return wrongStatus
  if (mediaType(res.headers['content-type']) !== 'application/json') {
    return fail('expected Content-Type application/json', 'application/json', summarize(res))
  }
  return expectJsonSchema(name, res.json)
}

/**
 * One request timed from just after pacing to the end of the answer's body, in milliseconds
 * (timing cases, drivers/timing.ts); not sent again after a 429, which the case then judges.
 */
export async function timedHttpRequest(
  ctx: HttpContext,
  req: HttpRequest,
): Promise<{ res: HttpResponse; ms: number }> {
  await pace(ctx)
  const started = performance.now()
  const res = await sendOnce(ctx, req)
  return { res, ms: performance.now() - started }
}
