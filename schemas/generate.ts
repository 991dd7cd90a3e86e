/**
 * `npm run schemas`: writes schemas/<name>.schema.json for every schema of schemas/src/index.ts
 * and deletes generated files whose schema is gone. `npm run schemas -- --check` writes nothing
 * and exits 1 listing every file that regeneration would change (CI runs it).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderSchemaDocument, schemaFileName } from './src/document.ts'
import { SCHEMAS } from './src/index.ts'

export const SCHEMAS_DIR = fileURLToPath(new URL('.', import.meta.url))
const GENERATED_FILE = /\.schema\.json$/

/** File name -> exact contents, for every registered schema. */
export function renderAll(schemas = SCHEMAS): Map<string, string> {
  const files = new Map<string, string>()
  for (const [name, schema] of Object.entries(schemas)) {
    files.set(schemaFileName(name), renderSchemaDocument(name, schema))
  }
  return files
}

export interface Plan {
  /** Files that are missing or differ from the generator output. */
  readonly write: ReadonlyMap<string, string>
  /** Generated-looking files no registered schema produces. */
  readonly remove: readonly string[]
}

export function plan(dir = SCHEMAS_DIR, files = renderAll()): Plan {
  const present = readdirSync(dir).filter((f) => GENERATED_FILE.test(f))
  const write = new Map<string, string>()
  for (const [file, text] of files) {
    const current = present.includes(file) ? readFileSync(join(dir, file), 'utf8') : null
    if (current !== text) write.set(file, text)
  }
  return { write, remove: present.filter((f) => !files.has(f)).sort() }
}

export function apply(dir: string, { write, remove }: Plan): void {
  for (const [file, text] of write) writeFileSync(join(dir, file), text)
  for (const file of remove) rmSync(join(dir, file))
}

/** The CLI: regenerate `dir`, or with --check only report; returns the exit code. */
export function run(argv: readonly string[], dir = SCHEMAS_DIR, log = console.error): number {
  const changes = plan(dir)
  const changed = [...changes.write.keys(), ...changes.remove]
  if (argv.includes('--check')) {
    for (const file of changes.write.keys()) log(`schemas/${file} is missing or out of date`)
    for (const file of changes.remove) log(`schemas/${file} has no schema in schemas/src/`)
    if (changed.length > 0) log('run `npm run schemas` and commit the result')
    return changed.length === 0 ? 0 : 1
  }
  apply(dir, changes)
  log(`schemas: ${renderAll().size} schemas, ${changed.length} files changed`)
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = run(process.argv.slice(2))
}
