/**
 * Timing helpers shared by the benchmarks: run an operation for a fixed wall time after a warm-up
 * and report operations per second. Benchmarks compare figures taken in the same process run
 * (ratios), never absolute numbers against a constant.
 */
import { cpus } from 'node:os'

export interface Rate {
  readonly opsPerSecond: number
  readonly iterations: number
}

export function measure(op: () => void, durationMs: number): Rate {
  const warmUntil = performance.now() + Math.min(100, durationMs / 4)
  while (performance.now() < warmUntil) op()
  let iterations = 0
  const start = performance.now()
  let now = start
  while (now - start < durationMs) {
    // Check the clock every 16 operations so the timer does not dominate fast operations.
    for (let i = 0; i < 16; i++) op()
    iterations += 16
    now = performance.now()
  }
  return { opsPerSecond: (iterations * 1000) / (now - start), iterations }
}

/** The median; of an even count, the mean of the two middle values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function machineInfo(): { node: string; cpu: string; cores: number } {
  const list = cpus()
  return { node: process.version, cpu: list[0]?.model ?? 'unknown', cores: list.length }
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const text = rows.map((r) => r.map(String))
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  console.log(line(header))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const r of text) console.log(line(r))
}
