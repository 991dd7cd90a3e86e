/**
 * Sends requests until the device refuses one with 429 (spec §10.3), a few at a time, and judges
 * whether it refused in time: a bucket of capacity N refilled at N per 60 s admits at most
 * N + N·t/60 requests in t seconds (plus those already in flight). Only a summary is recorded.
 */
import { summarize, type HttpResponse } from '../../drivers/http.ts'
import type { CaseContext } from '../../model.ts'

const CONCURRENCY = 8

export interface FloodResult {
  /** The first 429 answer, if one came. */
  readonly refused?: HttpResponse
  /** When (Date.now()) the refused request was sent: its bucket was empty at some time after. */
  readonly refusedSentAt?: number
  readonly sent: number
  readonly seconds: number
  /** The most requests a bucket of capacity N may admit in `seconds`. */
  readonly allowed: number
}

/** Most requests a token bucket of capacity n admits in `seconds`, with `inFlight` unanswered. */
export function admissible(n: number, seconds: number, inFlight: number): number {
  return n + Math.ceil((n * seconds) / 60) + inFlight
}

/** Calls `send` (with a non-recording context) until a 429 or more than the bucket admits. */
export async function flood(
  ctx: CaseContext,
  capacity: number,
  send: (quiet: CaseContext) => Promise<HttpResponse>,
): Promise<FloodResult> {
  const quiet: CaseContext = { ...ctx, record: () => undefined, rateLimitIsAnswer: true }
  const started = Date.now()
  const seconds = (): number => (Date.now() - started) / 1000
  let sent = 0
  let refused: HttpResponse | undefined
  let refusedSentAt = 0
  const worker = async (): Promise<void> => {
    while (refused === undefined && sent <= admissible(capacity, seconds(), CONCURRENCY)) {
      sent += 1
      const sentAt = Date.now()
      const res = await send(quiet)
      if (res.status === 429 && refused === undefined) {
        refused = res
        refusedSentAt = sentAt
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const result = { sent, seconds: seconds(), allowed: admissible(capacity, seconds(), CONCURRENCY) }
  const took = `${result.seconds.toFixed(2)} s`
  ctx.record({
    step: `${sent} requests in ${took} (a bucket of ${capacity} admits at most ${result.allowed})`,
    expected: { status: 429 },
    actual: refused === undefined ? 'no 429' : summarize(refused),
  })
  return refused === undefined ? result : { ...result, refused, refusedSentAt }
}
