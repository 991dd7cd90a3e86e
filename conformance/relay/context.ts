/**
 * The case model of `pairwire-conformance relay` (spec §15, §14.2): a relay case has the id, level,
 * anchor and verdicts of every harness case, and runs against the relay under test with what the
 * harness knows of its limits: grace, max_frame and max_streams_per_device from relay-held, the
 * rest from the command line (a relay advertises no more, §15.7), each absent one skipping the
 * cases that need it.
 */
import type { Exchange, Level, ReplayPoint, Verdict } from '../model.ts'

export interface RelayLimitsKnown {
  readonly grace: number
  readonly max_frame: number
  readonly max_streams_per_device: number
  readonly max_connections_per_ip?: number
  readonly idle_timeout?: number
  readonly claim_timeout?: number
  readonly ping_interval?: number
  readonly max_stream_buffer?: number
}

export interface RelayContext {
  /** The relay's ws: or wss: origin. */
  readonly url: string
  readonly limits: RelayLimitsKnown
  readonly timeoutMs: number
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayPoint
  readonly slow: boolean
  record(exchange: Exchange): void
  setReplay(point: ReplayPoint): void
  defer(cleanup: () => void | Promise<void>): void
}

export interface RelayCase {
  /** `15.<n>-<slug>` (spec §15). */
  readonly id: string
  readonly level: Level
  readonly requirement: string
  readonly title: string
  /** The limits given on the command line that this case needs; absent: skipped. */
  readonly needs?: readonly (keyof RelayLimitsKnown)[]
  /** Seconds the case waits; > 15 needs --slow. */
  waitSeconds?(limits: RelayLimitsKnown): number
  run(ctx: RelayContext): Promise<Verdict>
}
