/**
 * Replay tokens: `<case-id>@<seed>` reproduces one case with the seed it ran with, and
 * `<case-id>@<seed>:<path>` also replays the fast-check shrink path of a property failure
 * (fast-check paths are colon-separated numbers, so everything after the first ':' is the path).
 */
import type { ReplayPoint } from './model.ts'

export interface ReplayToken {
  readonly id: string
  readonly point: ReplayPoint
}

const TOKEN = /^([^@\s]+)@(-?[0-9]+)(?::([0-9]+(?::[0-9]+)*))?$/

export function formatReplay(id: string, point: ReplayPoint): string {
  return point.path === undefined || point.path === ''
    ? `${id}@${point.seed}`
    : `${id}@${point.seed}:${point.path}`
}

export function parseReplay(token: string): ReplayToken | undefined {
  const m = TOKEN.exec(token)
  if (m === null) return undefined
  const seed = Number(m[2])
  if (!Number.isSafeInteger(seed)) return undefined
  return { id: m[1]!, point: m[3] === undefined ? { seed } : { seed, path: m[3] } }
}
