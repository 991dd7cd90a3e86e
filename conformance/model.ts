/**
 * The case model of the conformance harness (DESIGN §5): every case has a stable id made of its
 * spec section and a slug, a level, the spec anchor it checks, and a run function that returns a
 * verdict with what was sent, what was expected and what came back. One result model feeds the
 * terminal, JSON and JUnit reports. The harness judges devices over the wire: it imports
 * protocol/ and schemas/ only, never reference-server/ or reference-client/.
 */
import type { RequestPacer } from './drivers/pacer.ts'

export type Level = 'MUST' | 'SHOULD' | 'MAY'

/** What the harness knows about the device under test, read from discovery (spec §4). */
export interface Target {
  /** Base URL, e.g. http://127.0.0.1:8080 (no trailing slash). */
  readonly url: string
  /** The parsed, schema-valid discovery document. */
  readonly discovery: {
    readonly device_id: string
    readonly device_key: string
    readonly name: string
    readonly versions: readonly number[]
    readonly profiles: readonly string[]
    readonly algorithms: readonly string[]
    readonly limits: Readonly<Record<string, number>>
  }
  /** Paces every request within the advertised per-IP rate limit (set by the runner). */
  readonly pacer?: RequestPacer
  /**
   * True when the harness reaches the device through a relay (`--via-relay`, spec §15.5): every
   * connection is a relayed stream, on which POST rpc and test-control are never served.
   */
  readonly relayed?: boolean
  /**
   * Device clock minus harness clock in ms, from the Date header of the discovery answer (1 s
   * resolution; spec §2.7, §8.4 skew): a diagnostic the report shows, never a verdict.
   */
  readonly clockOffsetMs?: number
}

/** Where PINs come from: --pin-command or the spec §12 test-control interface. */
export interface PinSource {
  readonly kind: 'command' | 'test-control' | 'none'
  /** Opens a fresh pairing window and returns its PIN; rejects when kind is 'none'. */
  openWindow(ttlSeconds?: number): Promise<{ pin: string; expiresAt?: number }>
}

/** One request/response (or frame exchange) shown in reports; never holds secrets. */
export interface Exchange {
  readonly step: string
  readonly sent?: unknown
  readonly expected?: unknown
  readonly actual?: unknown
  /**
   * The wire trace of this step, one line each (-v, and the JSON report of a failed case):
   * request line, headers, the signature base signed, status and problem body, frames.
   */
  readonly trace?: readonly string[]
}

export type Verdict =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly message: string; readonly expected: unknown; readonly actual: unknown }
  | { readonly status: 'skip'; readonly reason: string; readonly cause?: SkipCause }

/**
 * Why a case was skipped. 'setup': the run lacked something the user supplies (a PIN source, the
 * test-control interface), so a MUST case went unchecked: exit 3 unless --allow-skips (spec
 * §14.2). 'slow': it waits more than 15 s (--slow). 'not-supported': the device does not
 * advertise the profile. 'precondition' (the default): the device's limits leave the case no room.
 */
export type SkipCause = 'setup' | 'slow' | 'not-supported' | 'precondition'

/** A fast-check replay point: the seed and the shrink path that reproduce one failure exactly. */
export interface ReplayPoint {
  readonly seed: number
  readonly path?: string
}

export interface CaseContext {
  readonly target: Target
  readonly pins: PinSource
  /** Seed for every random choice of this case (property cases pass it to fast-check). */
  readonly seed: number
  /** fast-check numRuns for property cases. */
  readonly runs: number
  /** Present when the user passed --replay for this case. */
  readonly replay?: ReplayPoint
  /** Per-step network timeout in milliseconds (--timeout). */
  readonly timeoutMs: number
  /**
   * True where a 429 rate-limited is the answer the case judges (spec §10.3, §5.10): requests
   * are then neither paced nor sent again after a 429 (drivers/pacer.ts).
   */
  readonly rateLimitIsAnswer?: boolean
  /** True with --slow: cases that wait longer than 15 s may run. */
  readonly slow: boolean
  /** Records an exchange for the report. */
  record(exchange: Exchange): void
  /** Property cases call this on failure so the report can print the replay token. */
  setReplay(point: ReplayPoint): void
  /** A line of progress for a long case (property runs: "run n of N"); -v and stderr. */
  progress?(line: string): void
  /** Registers cleanup (close sockets, ...) run after the case whatever its verdict. */
  defer(cleanup: () => void | Promise<void>): void
  /**
   * Tells the runner that from here on the case only waits out a device timer (ticket_ttl, the
   * idle timeout, the §8.8 window) with resources of its own — its own client, ticket or session,
   * never the pairing window or a budget of §10 — so the next case may start meanwhile.
   * 'late-is-fine': the case judges only what the device does after a time (a refusal after the
   * TTL), which load cannot turn into a wrong verdict; it runs alongside every case up to the
   * budgets phase. 'on-time': the case judges that the device acts before a time (a Ping, an idle
   * close), which a device busy with other cases might miss; it runs alongside the other cases of
   * PHASES.timers only. Absent where cases run one at a time anyway.
   */
  waitAlongside?(timing: AlongsideTiming): void
}

/** How a case that waits alongside others may be overlapped (CaseContext.waitAlongside). */
export type AlongsideTiming = 'late-is-fine' | 'on-time'

/**
 * 'plain-rpc': the case judges answers of POST /pairwire/v1/rpc, which a device answers 404 on a
 * relayed stream (pw-relay-15.5-no-plain-rpc). 'test-control': it uses the test-control interface,
 * never served on a relayed stream (pw-relay-15.5-no-test-control).
 */
export type DirectOnly = 'plain-rpc' | 'test-control'

export interface CaseDefinition {
  /** `<section>-<slug>`, e.g. `5.4-pin-expired-at-finish`; stable, never positional. */
  readonly id: string
  readonly level: Level
  /** The spec anchor this case checks, e.g. `pw-pair-5.4-ttl-at-finish`. */
  readonly requirement: string
  readonly title: string
  /** Profiles the device must advertise for this case to apply (else "not supported"). */
  readonly profiles?: readonly string[]
  /**
   * What the case needs that a relayed stream never offers (spec §15.5): a run through a relay
   * skips it, citing the rule. Cases of a test-control profile need 'test-control' implicitly.
   */
  readonly directOnly?: DirectOnly
  /** True when the case judges a rule of relayed streams (spec §15.5): it runs only via a relay. */
  readonly relayedOnly?: boolean
  /** True when the case needs a PIN (a pairing window). */
  readonly needsPin?: boolean
  /**
   * Run order: cases run by ascending phase (default 0), then in registry order. Cases that spend
   * a device budget others need (the in-flight budget, the per-IP rate limit) take a higher phase
   * so that they run last (PHASES in conformance/phases.ts).
   */
  readonly phase?: number
  /** Seconds the case will wait, computed from advertised limits; > 15 needs --slow. */
  waitSeconds?(target: Target): number
  run(ctx: CaseContext): Promise<Verdict>
}

/** The spec section of a case id: everything before the first '-'. */
export function sectionOf(caseId: string): string {
  return caseId.slice(0, caseId.indexOf('-'))
}

/** 'finding': a profile's security finding (spec/profiles/*.md), counted apart from failures. */
export type ResultStatus = 'pass' | 'fail' | 'skip' | 'finding'

/** One case's outcome, as every report renders it. */
export interface CaseResult {
  readonly id: string
  readonly section: string
  readonly level: Level
  readonly requirement: string
  readonly title: string
  readonly status: ResultStatus
  readonly message?: string
  readonly expected?: unknown
  readonly actual?: unknown
  readonly reason?: string
  readonly cause?: SkipCause
  readonly exchanges: readonly Exchange[]
  /** `pairwire-conformance ... --replay <token>` reproduces this case exactly. */
  readonly replay: string
  readonly durationMs: number
}
