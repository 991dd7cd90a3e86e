/**
 * Rendering of arbitrary values for the reports: JSON that never throws (bigint, bytes, cycles),
 * and a short one-line form for the terminal.
 */
import { hexEncode } from '../../protocol/encoding.ts'

const MAX_INLINE = 400
const SHOWN_BYTES = 32

/** A JSON-safe copy of `value`: bigint as decimal text, bytes as hex, cycles cut. */
export function jsonSafe(value: unknown): unknown {
  const seen = new WeakSet<object>()
  const walk = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString()
    if (v instanceof Uint8Array) {
      const more = v.byteLength > SHOWN_BYTES ? '…' : ''
      return `<${v.byteLength} bytes ${hexEncode(v.subarray(0, SHOWN_BYTES))}${more}>`
    }
    if (v instanceof Error) return `${v.name}: ${v.message}`
    if (typeof v === 'function' || typeof v === 'symbol') return String(v)
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
    if (v === null || typeof v !== 'object') return v
    if (seen.has(v)) return '<cycle>'
    seen.add(v)
    if (Array.isArray(v)) return v.map(walk)
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, walk(item)]),
    )
  }
  return walk(value)
}

/** One line of at most MAX_INLINE characters. */
export function inline(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(jsonSafe(value)) ?? 'undefined'
  const flat = text.replace(/\s*\n\s*/g, ' ')
  return flat.length > MAX_INLINE ? `${flat.slice(0, MAX_INLINE)}…` : flat
}

/** Numeric order of dotted section numbers: 2.9 < 2.10 < 10.1. */
export function compareSections(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1)
    if (d !== 0) return d
  }
  return 0
}

/** The command line that reruns one case: same device and PIN source, the case's token. */
export function replayCommand(url: string, pins: string, token: string, profile?: string): string {
  // Client mode: `url` is the adapter command, the harness plays the device and has the PINs.
  if (pins === 'harness') return `pairwire-conformance client --adapter '${url.replace(/'/g, "'\\''")}' --replay ${token}`
  const pinOption: Readonly<Record<string, string>> = {
    command: ' --pin-command <the same command>',
    'test-control': ' --test-control',
  }
  const profileOption = profile === undefined ? '' : ` --profile ${profile}`
  return `pairwire-conformance server --url ${url}${profileOption}${pinOption[pins] ?? ''} --replay ${token}`
}
