/**
 * schemas/*.schema.json are exactly what generate.ts produces from schemas/src/ (the --check CI
 * step, as a test), the output does not depend on the order TypeBox happens to write keywords in,
 * and every document carries the draft 2020-12 header.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { TSchema } from 'typebox'
import { apply, plan, renderAll, run, SCHEMAS_DIR } from './generate.ts'
import { GENERATED_COMMENT, JSON_SCHEMA_DIALECT, renderSchemaDocument } from './src/document.ts'
import { mergeSchemaGroups, SCHEMAS } from './src/index.ts'
import { MESSAGE_SCHEMAS } from './src/messages.ts'

t.test('the checked-in schema files equal the generator output', async (t) => {
  const { write, remove } = plan()
  t.same([...write.keys()], [], 'no file is missing or stale: run `npm run schemas`')
  t.same(remove, [], 'no generated file without a schema')
  t.equal(run(['--check'], SCHEMAS_DIR, () => {}), 0)
})

t.test('one file per registered schema, and every message schema is registered', async (t) => {
  const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json')).sort()
  t.same(files, Object.keys(SCHEMAS).map((name) => `${name}.schema.json`).sort())
  for (const [name, schema] of Object.entries(MESSAGE_SCHEMAS)) t.equal(SCHEMAS[name], schema)
})

t.test('generation is deterministic', async (t) => {
  t.same([...renderAll()], [...renderAll()])
})

const NAME_MAPS = new Set(['properties', 'patternProperties'])

/** The same schema with the keywords of every subschema inserted in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([keyword, sub]) => [keyword, NAME_MAPS.has(keyword) ? keepNames(sub) : reversed(sub)]),
  )
}

// Member names are declaration order, which the generator keeps: only their schemas change.
const keepNames = (map: object) =>
  Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, reversed(sub)]))

t.test('keyword order is canonical: it does not depend on insertion order', async (t) => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const shuffled = reversed(JSON.parse(JSON.stringify(schema))) as TSchema
    t.equal(renderSchemaDocument(name, shuffled), renderSchemaDocument(name, schema), name)
  }
})

t.test('every document: header first, 2020-12, urn $id, 2-space JSON, final newline', async (t) => {
  for (const [file, text] of renderAll()) {
    const name = file.replace(/\.schema\.json$/, '')
    const doc = JSON.parse(text) as Record<string, unknown>
    t.same(Object.keys(doc).slice(0, 3), ['$comment', '$schema', '$id'], file)
    t.equal(doc.$comment, GENERATED_COMMENT)
    t.equal(doc.$schema, JSON_SCHEMA_DIALECT)
    t.equal(doc.$id, `urn:pairwire:schema:${name}`)
    t.equal(text, JSON.stringify(doc, null, 2) + '\n', `${file} formatting`)
    t.notMatch(text, /~kind|~optional/, `${file} has no TypeBox internals`)
  }
})

t.test('--check lists missing, changed and orphaned files; a write makes it pass', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-schemas-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const files = renderAll()
  const [first, second] = [...files.keys()]
  writeFileSync(join(dir, first!), files.get(first!)!)
  writeFileSync(join(dir, second!), files.get(second!)!.replace('"type"', '"type" '))
  writeFileSync(join(dir, 'gone.schema.json'), '{}\n')
  writeFileSync(join(dir, 'notes.json'), '{}\n')
  const logged: string[] = []
  t.equal(run(['--check'], dir, (line) => logged.push(line)), 1)
  t.ok(logged.includes(`schemas/${second} is missing or out of date`), 'changed file listed')
  t.ok(logged.includes('schemas/gone.schema.json has no schema in schemas/src/'), 'orphan listed')
  t.notOk(logged.some((line) => line.includes(first!)), 'an up-to-date file is not listed')
  t.equal(logged.length, files.size - 1 + 1 + 1, 'missing files listed, plus the hint line')
  t.equal(run([], dir, () => {}), 0)
  t.equal(run(['--check'], dir, () => {}), 0)
  const expected = [...files.keys(), 'notes.json'].sort()
  t.same(readdirSync(dir).sort(), expected, 'orphans removed, other files untouched')
  t.equal(readFileSync(join(dir, second!), 'utf8'), files.get(second!))
  apply(dir, plan(dir))
  t.same(plan(dir).write.size + plan(dir).remove.length, 0)
})

t.test('schema names must be kebab-case and unique across groups', async (t) => {
  const schema = MESSAGE_SCHEMAS.discovery
  t.same(Object.keys(mergeSchemaGroups([{ a: schema }, { 'b-c': schema }])), ['a', 'b-c'])
  t.throws(() => mergeSchemaGroups([{ a: schema }, { a: schema }]), /registered twice/)
  t.throws(() => mergeSchemaGroups([{ Bad_Name: schema }]), /kebab-case/)
  t.throws(() => mergeSchemaGroups([{ constructor: schema }, { constructor: schema }]), /twice/)
})
