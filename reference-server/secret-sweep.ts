/**
 * The secret-sweep hook: test-only evidence for spec §13.8 {#pw-sec-13.8-no-secrets-in-logs}.
 *
 * Why a hook: the test suite runs in many processes (tap workers, device processes spawned through
 * cli.ts) and the device's lines go to stderr, to a caller's stream or to an in-memory audit log,
 * so no test can see them all from outside. Only the device sees every line it writes and every
 * secret it holds. When the environment variable PAIRWIRE_SECRET_SWEEP_DIR names a directory
 * (children inherit it), this module appends, per process:
 *   lines-<pid>.jsonl    every log and audit line, as formatted (logs.ts calls captureLine);
 *   secrets-<pid>.jsonl  {"kind", "forms"} for every secret created or received (recordSecret),
 *                        in each encoding it could take in a line.
 * secret-sweep-check.ts then looks for every secret of the run in every line of the run.
 * Writes are synchronous so a device killed with SIGKILL loses nothing. With the variable unset
 * (every run outside `npm test`) both functions return at once.
 */
import { openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { base64urlDecode, base64urlEncode, hexEncode } from '../protocol/encoding.ts'

export const SWEEP_DIR_VARIABLE = 'PAIRWIRE_SECRET_SWEEP_DIR'
export const LINES_PREFIX = 'lines-'
export const SECRETS_PREFIX = 'secrets-'

/** The values §13.8 keeps out of logs that the device creates or receives. */
export const SECRET_KINDS = [
  'pin',
  'private-key',
  'pairing-id',
  'confirmation',
  'pairing-key',
  'ticket',
  'ticket-hash',
  'hmac-key',
  'nonce',
  'signature',
] as const
export type SecretKind = (typeof SECRET_KINDS)[number]

export interface SecretRecord {
  readonly kind: SecretKind
  readonly forms: readonly string[]
}

/** A string shorter than this many bytes of base64url is not worth decoding into byte forms. */
const MIN_DECODED_BYTES = 16

const descriptors = new Map<string, number>()

function append(prefix: string, text: string): void {
  const dir = process.env[SWEEP_DIR_VARIABLE]
  if (dir === undefined || dir === '') return
  const path = join(dir, `${prefix}${process.pid}.jsonl`)
  let fd = descriptors.get(path)
  if (fd === undefined) {
    fd = openSync(path, 'a', 0o600)
    descriptors.set(path, fd)
  }
  writeSync(fd, text)
}

function byteForms(bytes: Uint8Array): string[] {
  const base64url = base64urlEncode(bytes)
  // RFC 8941 byte sequences (Signature fields) use standard base64; padding only follows it.
  const base64 = base64url.replaceAll('-', '+').replaceAll('_', '/')
  return [base64url, base64, hexEncode(bytes)]
}

/** A string as sent, and when it is canonical base64url of a key-sized value, its byte forms. */
function stringForms(text: string): string[] {
  try {
    const bytes = base64urlDecode(text)
    if (bytes.length >= MIN_DECODED_BYTES) return [...new Set([text, ...byteForms(bytes)])]
  } catch {
    // Not base64url (a PIN, for one): only the string itself can appear in a line.
  }
  return [text]
}

/** Appends one formatted log or audit line to this process's sweep file. */
export function captureLine(line: string): void {
  append(LINES_PREFIX, line)
}

/** Records a secret the device created or received, so the sweep can look for it. */
export function recordSecret(kind: SecretKind, value: string | Uint8Array): void {
  if (!process.env[SWEEP_DIR_VARIABLE]) return
  const forms = typeof value === 'string' ? stringForms(value) : [...new Set(byteForms(value))]
  const record: SecretRecord = { kind, forms }
  append(SECRETS_PREFIX, JSON.stringify(record) + '\n')
}
