/**
 * Validators for the Pairwire 1 messages (schemas/src/messages.ts). They were compiled at build
 * time by ajv 8 (draft 2020-12, strict) into schemas/message-validators.ts, from the same
 * documents generate.ts writes: nothing is compiled or evaluated at run time, so the module loads
 * under a strict CSP (`script-src 'self'`) and pulls in neither ajv nor TypeBox. Free of Node
 * built-ins, so the reference server, the client (Node and browser) and the harness share it.
 * Run-time compilation of other schemas (reports, vector files) is schemas/compile.ts.
 *
 * validateMessage also applies the version rule of spec §2: an object whose `v` is an integer
 * other than a supported version is `unsupported-version`, checked before the schema; anything
 * else that fails the schema (including a missing or non-integer `v`) is `malformed`.
 */
import { SUPPORTED_VERSIONS } from '../protocol/registry.ts'
import { MESSAGE_VALIDATORS, VERSIONED_MESSAGES } from './message-validators.ts'
import { describeErrors } from './validator-runtime.ts'
import type { Message, MessageName } from './src/messages.ts'

export type { Message, MessageName } from './src/messages.ts'
export type { StandaloneValidator, ValidationError, Validator } from './validator-runtime.ts'
export { describeErrors } from './validator-runtime.ts'

export type Rejection = 'malformed' | 'unsupported-version'

export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: Rejection; readonly errors: string }

const VERSIONED = new Set(VERSIONED_MESSAGES)

export function isMessageName(name: string): name is MessageName {
  return Object.hasOwn(MESSAGE_VALIDATORS, name)
}

function unsupportedVersion(name: MessageName, value: unknown): number | null {
  if (!VERSIONED.has(name) || typeof value !== 'object' || value === null) return null
  const v = (value as { v?: unknown }).v
  return Number.isInteger(v) && !SUPPORTED_VERSIONS.includes(v as number) ? (v as number) : null
}

/** Checks `value` (parsed JSON) against the schema of message `name`. */
export function validateMessage<N extends MessageName>(
  name: N,
  value: unknown,
): Validation<Message<N>> {
  const v = unsupportedVersion(name, value)
  if (v !== null) {
    return { ok: false, reason: 'unsupported-version', errors: `${name}/v ${v} is not supported` }
  }
  const validator = MESSAGE_VALIDATORS[name]!
  if (validator(value)) return { ok: true, value: value as Message<N> }
  return { ok: false, reason: 'malformed', errors: describeErrors(name, validator.errors) }
}
