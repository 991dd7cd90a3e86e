/**
 * The wire trace of a case as text lines (spec §14.2, -v): each exchange's step, then the lines
 * its driver traced (request line, headers, signature base, status, problem body, frames).
 */
import type { CaseResult } from '../model.ts'
import { inline } from './format.ts'

/** `  step sent … -> …` then the step's trace lines, indented under it. */
export function traceLines(result: CaseResult, indent = '    '): string[] {
  const lines: string[] = []
  for (const e of result.exchanges) {
    const sent = e.sent === undefined ? '' : ` sent ${inline(e.sent)}`
    const actual = e.actual === undefined ? '' : ` -> ${inline(e.actual)}`
    lines.push(`${indent}${e.step}${sent}${actual}`)
    for (const line of e.trace ?? []) lines.push(`${indent}  | ${line}`)
  }
  return lines
}
