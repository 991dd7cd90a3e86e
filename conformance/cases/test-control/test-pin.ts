/** POST /pairwire/v1/test/pin (spec §12.2) for the §12 cases, with the answer checked. */
import { PATHS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { isTrivialPin } from '../../../protocol/spake2/index.ts'
import { expectJsonMessage, httpRequest } from '../../drivers/http.ts'
import type { CaseContext } from '../../model.ts'
import { failCase, must } from '../../verdicts.ts'

/** Slack between the device's clock and the harness's when comparing expires_at (spec §2.7). */
export const CLOCK_SLACK_SECONDS = 2

export interface OpenedWindow {
  readonly pin: string
  readonly expiresAt: number
  /** The device's clock when it answered (its Date field), else the harness's. */
  readonly now: number
}

export async function openTestWindow(ctx: CaseContext, ttl?: number): Promise<OpenedWindow> {
  const body = ttl === undefined ? { v: PROTOCOL_VERSION } : { v: PROTOCOL_VERSION, ttl }
  const res = await httpRequest(ctx, {
    method: 'POST',
    path: PATHS.testPin,
    body,
    step: `POST test/pin ${ttl === undefined ? 'without ttl' : `with ttl ${ttl}`}`,
    expected: { status: 200 },
  })
  must(expectJsonMessage(res, 200, 'test-pin-response'))
  const { pin, expires_at: expiresAt } = res.json as { pin: string; expires_at: number }
  if (isTrivialPin(pin)) {
    failCase('test/pin answered a trivial PIN (§5.2)', 'a non-trivial PIN', 'a trivial PIN')
  }
  const date = Date.parse(res.headers['date'] ?? '')
  return { pin, expiresAt, now: Math.floor((Number.isNaN(date) ? Date.now() : date) / 1000) }
}

/** Fails the case unless the window expires `ttl` seconds after it was opened. */
export function expectExpiry(window: OpenedWindow, ttl: number): void {
  const expected = window.now + ttl
  if (Math.abs(window.expiresAt - expected) > CLOCK_SLACK_SECONDS) {
    const message = `expires_at is not now + ${ttl} (±${CLOCK_SLACK_SECONDS} s)`
    failCase(message, expected, window.expiresAt)
  }
}
