/**
 * Validators for the Pairwire 1 messages (schemas/src/messages.ts), compiled once at module load
 * from the same documents generate.ts writes, with ajv 8 in draft 2020-12 strict mode. Free of
 * Node built-ins, so the reference server, the client (Node and browser) and the harness share it.
 *
 * validateMessage also applies the version rule of spec §2: an object whose `v` is an integer
 * other than a supported version is `unsupported-version`, checked before the schema; anything
 * else that fails the schema (including a missing or non-integer `v`) is `malformed`.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import type { TSchema } from 'typebox'
import { SUPPORTED_VERSIONS } from '../protocol/registry.ts'
import { schemaDocument } from './src/document.ts'
import { MESSAGE_SCHEMAS, type Message, type MessageName } from './src/messages.ts'

export type { Message, MessageName } from './src/messages.ts'

export type Rejection = 'malformed' | 'unsupported-version'

export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: Rejection; readonly errors: string }

export interface Validator {
  (value: unknown): boolean
  /** A one-line description of the first failure of the last call (allErrors is off). */
  readonly explain: () => string
}

// ajv's errorsText omits which member was unknown, the most common failure; name it.
function describe(name: string, errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const member = e.keyword === 'additionalProperties' ? ` (${e.params.additionalProperty})` : ''
      return `${name}${e.instancePath} ${e.message ?? e.keyword}${member}`
    })
    .join('; ')
}

/** Compiles every schema of `schemas` into its own validator, once. */
export function compileValidators(
  schemas: Readonly<Record<string, TSchema>>,
): Map<string, Validator> {
  const ajv = new Ajv2020({ strict: true, allErrors: false })
  const validators = new Map<string, Validator>()
  for (const [name, schema] of Object.entries(schemas)) {
    const check: ValidateFunction = ajv.compile(schemaDocument(name, schema))
    const explain = () => describe(name, check.errors)
    validators.set(name, Object.assign((value: unknown) => check(value), { explain }))
  }
  return validators
}

// Each message validator is compiled on its first use: a short-lived process (the reference
// client's CLI, run once per operation by the conformance harness's client mode, spec §14.2) uses a
// handful of the schemas, and compiling all of them cost it most of its start-up.
const MESSAGE_AJV = new Ajv2020({ strict: true, allErrors: false })
const MESSAGE_VALIDATORS = new Map<string, Validator>()

function messageValidator(name: MessageName): Validator {
  let validator = MESSAGE_VALIDATORS.get(name)
  if (validator === undefined) {
    const check: ValidateFunction = MESSAGE_AJV.compile(schemaDocument(name, MESSAGE_SCHEMAS[name]))
    const explain = () => describe(name, check.errors)
    validator = Object.assign((value: unknown) => check(value), { explain })
    MESSAGE_VALIDATORS.set(name, validator)
  }
  return validator
}
// Schemas with a `v` member: the JSON-RPC objects are JSON-RPC 2.0 and carry none.
const VERSIONED = new Set(
  Object.entries(MESSAGE_SCHEMAS)
    .filter(([, schema]) => 'properties' in schema && 'v' in schema.properties)
    .map(([name]) => name),
)

export function isMessageName(name: string): name is MessageName {
  return Object.hasOwn(MESSAGE_SCHEMAS, name)
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
  const validator = messageValidator(name)
  if (validator(value)) return { ok: true, value: value as Message<N> }
  return { ok: false, reason: 'malformed', errors: validator.explain() }
}
