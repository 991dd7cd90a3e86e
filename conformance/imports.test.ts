/**
 * The harness judges implementations, so it must not share their code (STYLE.md, harness brief):
 * no file of conformance/ imports reference-server/ or reference-client/, and every relative
 * import stays within conformance/, protocol/, schemas/ or the spec tooling.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const THIS_FILE = fileURLToPath(import.meta.url)
const HERE = dirname(THIS_FILE)
const ROOT = resolve(HERE, '..')
const ALLOWED = ['conformance/', 'protocol/', 'schemas/', 'spec/tools/', 'package.json']
// Static imports and re-exports (`from '...'`), side-effect imports and dynamic import().
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return files(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

function relativeImports(file: string): string[] {
  const specifiers = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => m[1]!)
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(dirname(file), s)))
}

t.test('no conformance file imports reference-server/ or reference-client/', async (t) => {
  const all = files(HERE).filter((file) => file !== THIS_FILE)
  t.ok(all.length > 30, `${all.length} files`)
  const offenders = all.flatMap((file) =>
    relativeImports(file)
      .filter((target) => !ALLOWED.some((prefix) => target.startsWith(prefix)))
      .map((target) => `${relative(ROOT, file)} -> ${target}`),
  )
  t.same(offenders, [], 'relative imports stay in conformance/, protocol/, schemas/, spec/tools/')
})

t.test('the import scan sees static and dynamic imports', async (t) => {
  const sample = [
    "import { x } from '../reference-server/cli.ts'",
    "const m = await import('../reference-client/a.ts')",
  ].join('\n')
  const found = [...sample.matchAll(SPECIFIER)].map((m) => m[1])
  t.same(found, ['../reference-server/cli.ts', '../reference-client/a.ts'])
})
