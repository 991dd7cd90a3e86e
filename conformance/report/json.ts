/**
 * The JSON report (`--report json:FILE`), in the shape of schemas/conformance-report.schema.json
 * (schemas/src/report.ts): snake_case members, ISO 8601 timestamps, values made JSON-safe.
 */
import type { CaseResult } from '../model.ts'
import { jsonSafe } from './format.ts'
import type { RunReport } from './model.ts'

function resultJson(r: CaseResult): Record<string, unknown> {
  return {
    id: r.id,
    section: r.section,
    level: r.level,
    requirement: r.requirement,
    title: r.title,
    status: r.status,
    message: r.message,
    expected: r.status === 'fail' || r.status === 'finding' ? (r.expected ?? null) : undefined,
    actual: r.status === 'fail' || r.status === 'finding' ? (r.actual ?? null) : undefined,
    reason: r.reason,
    cause: r.cause,
    // The wire trace is kept for failed cases only: it is what explains them (spec §14.2).
    exchanges: r.status === 'fail' ? r.exchanges : r.exchanges.map(({ trace: _, ...e }) => e),
    replay: r.replay,
    duration_ms: r.durationMs,
  }
}

/** The report as the plain object the schema describes. */
export function reportJson(report: RunReport): unknown {
  return jsonSafe({
    tool: report.tool,
    mode: report.mode,
    profile: report.profile,
    target: { url: report.target.url, device_id: report.target.deviceId },
    seed: report.seed,
    runs: report.runs,
    level: report.level,
    slow: report.slow,
    pin_source: report.pinSource,
    started_at: report.startedAt.toISOString(),
    finished_at: report.finishedAt.toISOString(),
    duration_ms: report.finishedAt.getTime() - report.startedAt.getTime(),
    summary: {
      total: report.summary.total,
      passed: report.summary.passed,
      failed: report.summary.failed,
      skipped: report.summary.skipped,
      warnings: report.summary.warnings,
      must_ran: report.summary.mustRan,
      must_total: report.summary.mustTotal,
      must_unchecked: report.summary.mustUnchecked,
    },
    exit_code: report.exitCode,
    error: report.error,
    clock_offset_s: report.clockOffsetSeconds,
    results: report.results.map(resultJson),
  })
}

export function renderJson(report: RunReport): string {
  return JSON.stringify(reportJson(report), null, 2) + '\n'
}
