/**
 * Validators compiled at run time by ajv (draft 2020-12, strict): for Node-side tools and tests
 * that check formats other than the messages (reports, vector files), and for the generator of
 * schemas/message-validators.ts. Code on the wire paths (server, client, harness) uses
 * schemas/validate.ts instead, whose validators were compiled at build time (no `new Function`).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { TSchema } from 'typebox'
import { schemaDocument } from './src/document.ts'
import { describeErrors, type Validator } from './validator-runtime.ts'

export type { Validator } from './validator-runtime.ts'

/** The ajv options both the run-time and the build-time compilation use. */
export const AJV_OPTIONS = { strict: true, allErrors: false } as const

/** Compiles every schema of `schemas` into its own validator, once. */
export function compileValidators(
  schemas: Readonly<Record<string, TSchema>>,
): Map<string, Validator> {
  const ajv = new Ajv2020(AJV_OPTIONS)
  const validators = new Map<string, Validator>()
  for (const [name, schema] of Object.entries(schemas)) {
    const check: ValidateFunction = ajv.compile(schemaDocument(name, schema))
    const explain = () => describeErrors(name, check.errors)
    validators.set(name, Object.assign((value: unknown) => check(value), { explain }))
  }
  return validators
}
