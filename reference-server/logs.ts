/**
 * The device's two record streams (spec §13, DESIGN §4 "Secrets at rest"):
 * - Logger: one JSON line per event, {"t", "level", "event", ...fields}, on a Writable (stderr by
 *   default), for operators;
 * - AuditLog: append-only JSON lines, {"t", "event", ...fields}, in `<stateDir>/audit.jsonl`
 *   (mode 0600), or kept in memory when the device has no state directory.
 * Callers pass ids, codes, statuses and addresses only. As a second line of defence both streams
 * drop the query of any `url`/`path` field, since a query may carry a ticket (spec §7.2).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import type { AuditLog, Logger } from './context.ts'
import { captureLine } from './secret-sweep.ts'

export const AUDIT_FILE = 'audit.jsonl'
/** Audit entries kept by a memory-only audit log (the oldest are dropped first). */
const MEMORY_AUDIT_ENTRIES = 1000
const URL_FIELDS = ['url', 'path']

/** A request target or URL without its query and fragment. */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/)
  return cut === -1 ? url : url.slice(0, cut)
}

function line(event: string, head: Record<string, unknown>, fields: Record<string, unknown>) {
  const record: Record<string, unknown> = { t: new Date().toISOString(), ...head, event }
  for (const [name, value] of Object.entries(fields)) {
    const isUrl = URL_FIELDS.includes(name) && typeof value === 'string'
    record[name] = isUrl ? withoutQuery(value) : value
  }
  const text = JSON.stringify(record) + '\n'
  captureLine(text)
  return text
}

export function createLogger(stream: Writable = process.stderr): Logger {
  const write = (level: string) => (event: string, fields: Record<string, unknown> = {}) => {
    if (stream.writable) stream.write(line(event, { level }, fields))
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}

export interface ClosableAuditLog extends AuditLog {
  /** The entries recorded by a memory-only audit log (empty for a file-backed one). */
  readonly entries: readonly Record<string, unknown>[]
  /** Flushes and closes the file; later records are dropped. */
  close(): Promise<void>
}

/**
 * A file-backed audit log when `stateDir` is given, a bounded in-memory one otherwise. Each
 * record is appended with one synchronous write(2): it is in the kernel before the event that
 * caused it goes on, so a crash of the device loses no record it has made, and one write of a
 * line to a local file (about 4 µs here) costs far less than a write stream's hand-off to the
 * thread pool (about 75 µs of CPU per line written one at a time; `npm run bench:setup`).
 */
export function createAuditLog(stateDir: string | null): ClosableAuditLog {
  const entries: Record<string, unknown>[] = []
  let fd: number | null = null
  if (stateDir !== null) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 })
    fd = openSync(join(stateDir, AUDIT_FILE), 'a', 0o600)
  }
  return {
    entries,
    record(event, fields) {
      const text = line(event, {}, fields)
      if (stateDir === null) {
        entries.push(JSON.parse(text) as Record<string, unknown>)
        if (entries.length > MEMORY_AUDIT_ENTRIES) entries.shift()
      } else if (fd !== null) {
        try {
          writeSync(fd, text)
        } catch (e) {
          // A full or failing disk must not take the device down with it; the operator's log says so.
          const error = (e as NodeJS.ErrnoException).code ?? String(e)
          process.stderr.write(line('audit.write-failed', { level: 'error' }, { error }))
        }
      }
    },
    close() {
      if (fd !== null) closeSync(fd)
      fd = null
      return Promise.resolve()
    },
  }
}
