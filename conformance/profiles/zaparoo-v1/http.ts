/**
 * HTTP driver of the zaparoo-v1 profile: POST JSON to the pairing routes (paced when remote,
 * facts §1.8: 1 request/s shared by start and finish) and check the `{"error"}` answers of
 * spec/profiles/zaparoo-v1.md §2 by status and exact message.
 */
import { request } from 'undici'
import { failCase, fail, type FailVerdict } from '../../verdicts.ts'
import type { ProfileContext } from './context.ts'

export const PAIR_START = '/api/pair/start'
export const PAIR_FINISH = '/api/pair/finish'

export interface Reply {
  readonly status: number
  readonly contentType: string
  readonly text: string
  readonly json?: unknown
}

export async function post(
  ctx: ProfileContext,
  path: string,
  body: string | object,
  step: string,
  options: { paced?: boolean } = {},
): Promise<Reply> {
  await ctx.pace(options.paced !== false)
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  let reply: Reply
  try {
    const res = await request(`${ctx.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    })
    const answer = await res.body.text()
    let json: unknown
    try {
      json = JSON.parse(answer)
    } catch {
      json = undefined
    }
    const contentType = String(res.headers['content-type'] ?? '')
    reply = { status: res.statusCode, contentType, text: answer, ...(json === undefined ? {} : { json }) }
  } catch (error) {
    ctx.record({ step: `${step}: POST ${path}`, actual: String(error) })
    failCase(`POST ${path} failed: ${String(error)}`, 'an HTTP answer', String(error))
  }
  const error = (reply.json as { error?: unknown } | undefined)?.error
  ctx.record({ step: `${step}: POST ${path}`, actual: error === undefined ? reply.status : `${reply.status} ${String(error)}` })
  return reply
}

/** null when the reply is `status {"error": message}`. */
export function expectError(reply: Reply, status: number, message: string): FailVerdict | null {
  const actual = (reply.json as { error?: unknown } | undefined)?.error
  if (reply.status === status && actual === message) return null
  return fail(`expected ${status} "${message}"`, { status, error: message }, { status: reply.status, error: actual ?? reply.text.slice(0, 80) })
}

export function expectStatus(reply: Reply, status: number, what: string): FailVerdict | null {
  if (reply.status === status) return null
  return fail(what, status, { status: reply.status, body: reply.text.slice(0, 120) })
}
