/**
 * `npm run bench`: Pairwire end to end against plain WebSocket and HTTP. Every figure is a ratio
 * against a baseline measured in the same run on the same machine: each scenario starts its
 * servers in their own processes, warms up, measures for a fixed time, repeats, and reports the
 * medians. Prints a table and writes bench/results.json (schemas/bench-results.schema.json).
 *
 *   npm run bench [-- --quick] [-- --out FILE]
 *
 * --quick (CI smoke run): tiny durations, one repetition, 200 sessions, no conformance run.
 * Exits 0 when every figure was taken, whether or not it meets its target (the table says).
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { platform } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Static } from 'typebox'
import type { BenchResults } from '../schemas/src/bench.ts'
import { machineInfo, printTable } from './measure.ts'
import { startRedis } from './processes.ts'
import * as scenarios from './scenarios.ts'
import type { Figures, Settings } from './scenarios.ts'

type Results = Static<typeof BenchResults>
type Row = Results['results'][number]
type Target = NonNullable<Row['target']>

interface Scenario {
  readonly id: string
  readonly name: string
  readonly unit: string
  readonly target: Target | null
  readonly run: (settings: Settings) => Promise<Figures>
}

const atLeast = (value: number): Target => ({ op: '>=', value })

const SCENARIOS: Scenario[] = [
  { id: 'session-throughput-1k', name: 'session echo 1 KiB, 1000 in flight', unit: 'msg/s',
    target: atLeast(0.4), run: scenarios.throughput(1024, 1000) },
  { id: 'session-throughput-16k', name: 'session echo 16 KiB, 1000 in flight', unit: 'msg/s',
    target: atLeast(0.7), run: scenarios.throughput(16384, 1000) },
  { id: 'session-latency', name: 'session echo, 1 in flight', unit: 'round trips/s',
    target: atLeast(0.75), run: scenarios.throughput(256, 1) },
  { id: 'connection-setup', name: 'ticket + upgrade + handshake + echo', unit: 'connections/s',
    target: atLeast(0.35), run: scenarios.connectionSetup },
  { id: 'signed-http-memory', name: 'signed POST rpc echo, 32 concurrent, memory', unit: 'req/s',
    target: atLeast(0.4), run: scenarios.signedHttp('memory') },
  { id: 'signed-http-redis', name: 'signed POST rpc echo, 32 concurrent, Redis', unit: 'req/s',
    target: atLeast(0.3), run: scenarios.signedHttp('redis') },
  { id: 'pairing-rate', name: 'complete pairings, sequential', unit: 'pairings/s',
    target: null, run: scenarios.pairings },
  { id: 'pair-start-cpu', name: 'server CPU per pair/start (+ its test/pin)', unit: 'ms',
    target: null, run: scenarios.pairStartCpu },
  { id: 'session-memory', name: 'server RSS per idle session', unit: 'bytes/session',
    target: { op: '<=', value: 2 }, run: scenarios.memory },
]

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function meets(target: Target | null, ratio: number | null): boolean | null {
  if (target === null || ratio === null) return null
  return target.op === '>=' ? ratio >= target.value : ratio <= target.value
}

async function measureScenario(s: Scenario, settings: Settings, reps: number): Promise<Row> {
  const { id, name, unit, target } = s
  const runs = { pairwire: [] as number[], baseline: [] as number[] }
  try {
    for (let i = 0; i < reps; i++) {
      const figures = await s.run(settings)
      runs.pairwire.push(figures.pairwire)
      if (figures.baseline !== null) runs.baseline.push(figures.baseline)
    }
  } catch (e) {
    const figures = { pairwire: null, baseline: null, ratio: null, met: null }
    const note = `not available: ${(e as Error).message}`
    return { id, name, unit, target, status: 'not-available', ...figures, runs, note }
  }
  const pairwire = median(runs.pairwire)
  const baseline = runs.baseline.length > 0 ? median(runs.baseline) : null
  const ratio = baseline === null ? null : pairwire / baseline
  const figures = { pairwire, baseline, ratio, met: meets(target, ratio) }
  return { id, name, unit, target, status: 'measured', ...figures, runs }
}

/** 7. Wall time of the default conformance run (`npm run conformance`). */
async function harnessRow(quick: boolean): Promise<Row> {
  const row = { id: 'conformance-run', name: 'default conformance run (npm run conformance)',
    unit: 'ms', pairwire: null, baseline: null, ratio: null, target: null, met: null,
    runs: { pairwire: [], baseline: [] } }
  if (quick) return { ...row, status: 'skipped', note: 'not run in --quick mode' }
  const start = performance.now()
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const child = spawn('npm', ['run', '--silent', 'conformance'], { cwd, stdio: 'ignore' })
  const code = await new Promise<number | null>((done) => {
    child.on('exit', done)
    child.on('error', () => done(null))
  })
  const wall = performance.now() - start
  // 0 = all MUST cases pass, 1 = some failed: either way the run completed (spec §14.3).
  if (code !== 0 && code !== 1) return { ...row, status: 'not-available', note: `exit ${code}` }
  const note = code === 1 ? 'the run completed with failing cases (exit 1)' : undefined
  return { ...row, status: 'measured', pairwire: wall, runs: { pairwire: [wall], baseline: [] },
    ...(note === undefined ? {} : { note }) }
}

const fmt = (n: number | null, digits = 0): string =>
  n === null ? '-' : n >= 100 ? n.toFixed(digits) : n.toFixed(2)

function print(rows: Row[]): void {
  printTable(
    ['scenario', 'unit', 'pairwire', 'baseline', 'ratio', 'target', 'met'],
    rows.map((r) => [
      r.name, r.unit, fmt(r.pairwire), fmt(r.baseline), r.ratio === null ? '-' : r.ratio.toFixed(2),
      r.target === null ? '-' : `${r.target.op} ${r.target.value}`,
      r.met === null ? (r.status === 'measured' ? 'report' : r.status) : r.met ? 'yes' : 'NO',
    ]),
  )
  for (const r of rows) if (r.note !== undefined) console.log(`${r.id}: ${r.note}`)
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
  })
  const quick = values.quick
  const out = values.out ?? fileURLToPath(new URL('results.json', import.meta.url))
  const startedAt = new Date()
  const reps = quick ? 1 : 3
  const redis = await startRedis()
  const settings: Settings = {
    warmupMs: quick ? 100 : 1000,
    durationMs: quick ? 300 : 3000,
    sessions: quick ? 200 : 2000,
    redisUrl: redis?.url ?? null,
  }
  const rows: Row[] = []
  try {
    for (const s of SCENARIOS) {
      console.error(`bench: ${s.name}`)
      rows.push(await measureScenario(s, settings, reps))
    }
  } finally {
    await redis?.stop()
  }
  rows.push(await harnessRow(quick))
  print(rows)
  const results: Results = {
    tool: 'pairwire-bench',
    quick,
    started_at: startedAt.toISOString(),
    duration_ms: Math.round(Date.now() - startedAt.getTime()),
    machine: { ...machineInfo(), platform: platform() },
    settings: { warmup_ms: settings.warmupMs, duration_ms: settings.durationMs, repetitions: reps,
      sessions: settings.sessions },
    results: rows,
  }
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n')
  console.log(`results written to ${out}`)
  return 0
}

process.exitCode = await main()
