#!/usr/bin/env node
/**
 * The secret sweep's verdict (spec §13.8 {#pw-sec-13.8-no-secrets-in-logs}): reads every log and
 * audit line and every secret that secret-sweep.ts captured during a test run, and fails when a
 * line contains a secret. It names the file, line, event and kind of secret, never the secret.
 *
 *   tsx reference-server/secret-sweep-check.ts DIR [--min-lines N]
 *
 * Exit 0: lines were captured, every required kind of secret was recorded, and no line holds a
 * secret. Exit 1: a leak, or too little evidence (fewer than N lines, or no PIN, ticket, pairing
 * key or signature recorded: a broken hook must not pass silently). Exit 2: usage.
 *
 * Matching rules:
 * - A PIN is 6 digits; it matches only as a whole digit run (no digit before or after it), so
 *   the digits of times (ISO 8601, expires_at in seconds) and of counters never match, while a PIN
 *   written as a JSON number or string, or inside any text, still does.
 * - Every other secret matches as a substring in any of its recorded forms. A form with fewer
 *   than MIN_DISTINCT_CHARS distinct characters is ignored: CSPRNG output never looks like that,
 *   but test placeholders do (a nonce of 22 'A's, a key filled with one byte) and they collide
 *   with ids such as pwc_AAAA…; this also covers the "shorter than 6 characters" rule.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  LINES_PREFIX,
  SECRET_KINDS,
  SECRETS_PREFIX,
  type SecretKind,
  type SecretRecord,
} from './secret-sweep.ts'

/** Kinds a sweep of the whole suite must have seen, or the hook is not wired. */
export const REQUIRED_KINDS: readonly SecretKind[] = ['pin', 'ticket', 'pairing-key', 'signature']
export const DEFAULT_MIN_LINES = 1000
const MIN_DISTINCT_CHARS = 8
const PIN_RUN = /(?<![0-9])[0-9]{6}(?![0-9])/g
// Lines are probed every STRIDE characters with a WINDOW-character key; any form of at least
// WINDOW + STRIDE - 1 characters then covers one probe, at one of STRIDE offsets that are indexed.
const WINDOW = 12
const STRIDE = 8
/** Leaks printed in full; the rest are counted. */
const PRINTED_LEAKS = 100

export interface Leak {
  readonly file: string
  readonly line: number
  readonly event: string
  readonly kind: SecretKind
}

export interface SweepReport {
  readonly lines: number
  readonly secrets: Record<SecretKind, number>
  readonly ignoredForms: number
  readonly leaks: readonly Leak[]
  /** Why the sweep fails; empty when it passes. */
  readonly failures: readonly string[]
}

interface Form {
  readonly text: string
  readonly kind: SecretKind
}

interface Index {
  readonly pins: ReadonlySet<string>
  /** WINDOW-character key → the long forms containing it at `offset`. */
  readonly probes: ReadonlyMap<string, { form: Form; offset: number }[]>
  /** Forms too short for the probes, searched one by one. */
  readonly short: readonly Form[]
  readonly ignored: number
}

function filesWith(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.jsonl'))
}

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '')
}

function indexSecrets(records: readonly SecretRecord[]): Index {
  const pins = new Set<string>()
  const probes = new Map<string, { form: Form; offset: number }[]>()
  const short: Form[] = []
  let ignored = 0
  const forms = new Map<string, SecretKind>()
  for (const { kind, forms: texts } of records) for (const text of texts) forms.set(text, kind)
  for (const [text, kind] of forms) {
    if (kind === 'pin') pins.add(text)
    else if (new Set(text).size < MIN_DISTINCT_CHARS) ignored++
    else if (text.length < WINDOW + STRIDE - 1) short.push({ text, kind })
    else {
      for (let offset = 0; offset < STRIDE; offset++) {
        const key = text.slice(offset, offset + WINDOW)
        const list = probes.get(key) ?? []
        list.push({ form: { text, kind }, offset })
        probes.set(key, list)
      }
    }
  }
  return { pins, probes, short, ignored }
}

/** The kinds of secret `line` contains. */
function secretsIn(line: string, index: Index): Set<SecretKind> {
  const found = new Set<SecretKind>()
  for (const [run] of line.matchAll(PIN_RUN)) if (index.pins.has(run)) found.add('pin')
  for (let p = 0; p + WINDOW <= line.length; p += STRIDE) {
    for (const { form, offset } of index.probes.get(line.slice(p, p + WINDOW)) ?? []) {
      if (p >= offset && line.startsWith(form.text, p - offset)) found.add(form.kind)
    }
  }
  for (const form of index.short) if (line.includes(form.text)) found.add(form.kind)
  return found
}

function eventOf(line: string): string {
  try {
    const event = (JSON.parse(line) as { event?: unknown }).event
    return typeof event === 'string' ? event : '(no event)'
  } catch {
    return '(not JSON)'
  }
}

/** Reads the sweep directory and judges it. */
export function checkSweep(dir: string, minLines = DEFAULT_MIN_LINES): SweepReport {
  const records: SecretRecord[] = []
  for (const file of filesWith(dir, SECRETS_PREFIX)) {
    for (const line of readLines(join(dir, file))) records.push(JSON.parse(line) as SecretRecord)
  }
  const zero = SECRET_KINDS.map((kind) => [kind, 0])
  const secrets = Object.fromEntries(zero) as SweepReport['secrets']
  for (const { kind } of records) secrets[kind]++
  const index = indexSecrets(records)
  const leaks: Leak[] = []
  let lines = 0
  for (const file of filesWith(dir, LINES_PREFIX)) {
    readLines(join(dir, file)).forEach((text, i) => {
      lines++
      for (const kind of secretsIn(text, index)) {
        leaks.push({ file, line: i + 1, event: eventOf(text), kind })
      }
    })
  }
  const failures: string[] = []
  if (lines < minLines) failures.push(`only ${lines} log lines captured (at least ${minLines})`)
  for (const kind of REQUIRED_KINDS) {
    if (secrets[kind] === 0) failures.push(`no ${kind} recorded: the hook is not wired`)
  }
  if (leaks.length > 0) failures.push(`${leaks.length} log lines contain a secret`)
  return { lines, secrets, ignoredForms: index.ignored, leaks, failures }
}

/** The printed verdict: counts, then every leak by place, event and kind (never the value). */
export function formatReport(report: SweepReport): string {
  const counts = SECRET_KINDS.map((kind) => `${kind} ${report.secrets[kind]}`).join(', ')
  const out = [
    `secret sweep: ${report.lines} lines; secrets recorded: ${counts};` +
      ` ${report.ignoredForms} low-entropy forms ignored`,
  ]
  for (const leak of report.leaks.slice(0, PRINTED_LEAKS)) {
    out.push(`LEAK ${leak.file}:${leak.line} event ${leak.event} contains a ${leak.kind}`)
  }
  const unprinted = report.leaks.length - PRINTED_LEAKS
  if (unprinted > 0) out.push(`LEAK … and ${unprinted} more`)
  for (const failure of report.failures) out.push(`FAIL ${failure}`)
  if (report.failures.length === 0) out.push('ok: no secret in any log or audit line')
  return out.join('\n') + '\n'
}

const USAGE = 'usage: secret-sweep-check DIR [--min-lines N]\n'

function parse(argv: string[]): { dir: string; minLines: number } | undefined {
  const options = { 'min-lines': { type: 'string' } } as const
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true })
    const minLines = Number(values['min-lines'] ?? DEFAULT_MIN_LINES)
    const [dir, ...rest] = positionals
    if (dir === undefined || rest.length > 0 || !Number.isInteger(minLines) || minLines < 0) {
      return undefined
    }
    return { dir, minLines }
  } catch {
    return undefined
  }
}

function main(argv: string[]): number {
  const args = parse(argv)
  if (args === undefined) {
    process.stderr.write(USAGE)
    return 2
  }
  const { dir, minLines } = args
  const report = checkSweep(dir, minLines)
  process.stdout.write(formatReport(report))
  return report.failures.length === 0 ? 0 : 1
}

const invokedPath = process.argv[1] === undefined ? '' : realpathSync(process.argv[1])
if (invokedPath === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)))
