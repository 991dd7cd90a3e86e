/**
 * The registry of every schema generated into schemas/<name>.schema.json. A module that owns a
 * JSON format (messages, vector files, the conformance report, bench results) exports a
 * `Record<name, TSchema>` and is added to SCHEMA_GROUPS with one line.
 */
import type { TSchema } from 'typebox'
import { BENCH_SCHEMAS } from './bench.ts'
import { MESSAGE_SCHEMAS } from './messages.ts'
import { REPORT_SCHEMAS } from './report.ts'
import { VECTOR_SCHEMAS } from './vectors.ts'

const SCHEMA_GROUPS: readonly Readonly<Record<string, TSchema>>[] = [
  BENCH_SCHEMAS,
  MESSAGE_SCHEMAS,
  REPORT_SCHEMAS,
  VECTOR_SCHEMAS,
]

// Schema names become file names and `$id`s, so they are kebab-case and unique across groups.
const SCHEMA_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** One name -> schema map from several groups; a bad or repeated name is a programming error. */
export function mergeSchemaGroups(
  groups: readonly Readonly<Record<string, TSchema>>[],
): Record<string, TSchema> {
  const all: Record<string, TSchema> = {}
  for (const group of groups) {
    for (const [name, schema] of Object.entries(group)) {
      if (!SCHEMA_NAME.test(name)) throw new Error(`schema name ${name} is not kebab-case`)
      if (Object.hasOwn(all, name)) throw new Error(`schema name ${name} is registered twice`)
      all[name] = schema
    }
  }
  return all
}

export const SCHEMAS: Readonly<Record<string, TSchema>> = mergeSchemaGroups(SCHEMA_GROUPS)
