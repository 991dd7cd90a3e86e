/**
 * Test support for the drivers, cases and properties of the conformance harness: a CaseContext
 * built the way the runner builds one (discovery, the test-control PIN source), and a run of a
 * case list against the reference device started as a child process (reference-child.ts), with
 * short limits so that every waiting case runs in a few seconds.
 */
import type { CaseContext, CaseDefinition, CaseResult, Exchange, ReplayPoint } from '../model.ts'
import { pinSource } from '../pins.ts'
import { startReference } from '../reference-child.ts'
import { run } from '../runner.ts'
import { loadTarget } from '../target.ts'

/**
 * Limits short enough for the expiry cases: TTLs of 2 s, so that a window or ticket counted in
 * whole seconds (§2.7) still lives at least 1 s, and pairing_ttl ≥ pin_ttl + 3 for
 * 5.4-ttl-at-finish.
 */
export const SHORT_LIMITS: readonly string[] = [
  '--pin-ttl', '2',
  '--pairing-ttl', '5',
  '--ticket-ttl', '2',
  '--skew', '3',
  '--handshake-timeout', '1',
  '--ping-interval', '1',
  '--rate-ip-per-minute', '100000',
  '--rate-client-per-minute', '100000',
]

/** Per-step timeout of test runs: generous, as test files share two CPUs. */
const TIMEOUT_MS = 5000

export interface TestContext extends CaseContext {
  readonly exchanges: Exchange[]
  readonly replayPoint: () => ReplayPoint | undefined
  /** Runs the deferred cleanups, as the runner does after a case. */
  cleanup(): Promise<void>
}

/** A CaseContext for the device at `url` with test-control PINs, built as the runner builds one. */
export async function testContext(
  url: string,
  options: { seed?: number; runs?: number; replay?: ReplayPoint; timeoutMs?: number } = {},
): Promise<TestContext> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS
  const loaded = await loadTarget(url, timeoutMs)
  if (!loaded.ok) throw new Error(loaded.message)
  const exchanges: Exchange[] = []
  const cleanups: (() => void | Promise<void>)[] = []
  let point: ReplayPoint | undefined
  const record = (exchange: Exchange): void => void exchanges.push(exchange)
  const target = loaded.target
  return {
    target,
    pins: pinSource({ kind: 'test-control' }, { target, timeoutMs, record }),
    seed: options.seed ?? 1,
    runs: options.runs ?? 5,
    ...(options.replay === undefined ? {} : { replay: options.replay }),
    timeoutMs,
    slow: true,
    record,
    setReplay: (p) => void (point = p),
    defer: (cleanup) => void cleanups.push(cleanup),
    exchanges,
    replayPoint: () => point,
    async cleanup() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
}

/**
 * Runs `cases` (all, or those `only` names) against a fresh reference device started with
 * SHORT_LIMITS and `deviceArgs` (e.g. a fault); resolves to their results.
 */
export async function runOnReference(
  cases: readonly CaseDefinition[],
  options: { deviceArgs?: readonly string[]; only?: readonly string[]; seed?: number; runs?: number } = {},
): Promise<CaseResult[]> {
  const device = await startReference([...SHORT_LIMITS, ...(options.deviceArgs ?? [])])
  try {
    const outcome = await run({
      url: device.url,
      pins: { kind: 'test-control' },
      selection: { only: options.only ?? [], skip: [], level: 'should' },
      seed: options.seed ?? 1,
      runs: options.runs ?? 5,
      timeoutMs: TIMEOUT_MS,
      slow: true,
      cases,
    })
    if (outcome.kind === 'unusable') throw new Error(outcome.message)
    return [...outcome.report.results]
  } finally {
    await device.stop()
  }
}

/** The ids of the results that failed, with their messages (for test diagnostics). */
export function failures(results: readonly CaseResult[]): Record<string, string> {
  return Object.fromEntries(results.filter((r) => r.status === 'fail').map((r) => [r.id, r.message ?? '']))
}
