/**
 * What a zaparoo-v1 case gets (spec/profiles/zaparoo-v1.md): the device's URL, whether the
 * harness is remote (`--remote`: -32002 and the 1 request/s pairing limit apply), where PINs come
 * from, a pacer for the pairing routes, and the shared recording and cleanup hooks. Profile
 * verdicts add `finding` (§7) to pass / fail / skip.
 */
import type { Exchange, Level, ReplayPoint, Verdict } from '../../model.ts'

export type ProfileVerdict =
  | Verdict
  | { readonly status: 'finding'; readonly message: string; readonly expected: unknown; readonly actual: unknown }

export interface OpenedPin {
  readonly pin: string
  /** Unix milliseconds after which the device no longer accepts the PIN at start. */
  readonly expiresAtMs: number
}

export interface ProfileContext {
  readonly url: string
  readonly remote: boolean
  readonly timeoutMs: number
  readonly seed: number
  readonly runs: number
  readonly slow: boolean
  readonly replay?: ReplayPoint
  /** Opens a fresh PIN (local clients.pair.start, or --pin-command with PAIRWIRE_PIN_TTL). */
  openPin(ttlSeconds?: number): Promise<OpenedPin>
  /**
   * Called before every /api/pair/* request: waits as the device's pairing limit needs (remote
   * only) unless `wait` is false (a case that judges the 429), and notes the request's time.
   */
  pace(wait: boolean): Promise<void>
  record(exchange: Exchange): void
  setReplay(point: ReplayPoint): void
  defer(cleanup: () => void | Promise<void>): void
}

export interface ProfileCase {
  readonly id: string
  readonly level: Level
  readonly requirement: string
  readonly title: string
  /** 'finding': a §7 case whose `finding` verdict does not fail the run. */
  readonly kind?: 'finding'
  readonly needsPin?: boolean
  /** 'remote' or 'local': the case only applies when the harness is (not) remote. */
  readonly only?: 'remote' | 'local'
  run(ctx: ProfileContext): Promise<ProfileVerdict>
}

export function finding(message: string, expected: unknown, actual: unknown): ProfileVerdict {
  return { status: 'finding', message, expected, actual }
}
