/**
 * The vector files as files: each validates against its schema (schemas/src/vectors.ts, compiled
 * by ajv in strict draft 2020-12 mode), is exactly what the generator writes, numbers its tests
 * 1..N, counts them right, explains every flag it uses, and cites only anchors that exist in spec/.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import t from 'tap'
import { schemaDocument } from '../schemas/src/document.ts'
import { VECTOR_SCHEMAS, VECTOR_FILE_COMMENT } from '../schemas/src/vectors.ts'
import { readRequirements } from '../spec/tools/anchors.ts'
import { changedFiles, README, renderAll, run, VECTORS_DIR, withCounts } from './generate.ts'

const FILES = {
  'pairing.json': 'pairing-vectors',
  'session.json': 'session-vectors',
  'signing.json': 'signing-vectors',
  'pairing-uri.json': 'pairing-uri-vectors',
  'relay.json': 'relay-vectors',
} as const

interface AnyTest {
  tcId: number
  flags: string[]
  requirements?: string[]
}

interface AnyFile {
  schema: string
  numberOfTests: number
  notes: Record<string, unknown>
  testGroups: { requirements?: string[]; tests: AnyTest[] }[]
}

const load = (name: string): AnyFile =>
  JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8')) as AnyFile

const ajv = new Ajv2020({ strict: true, allErrors: true })

for (const [file, schemaName] of Object.entries(FILES)) {
  t.test(`${file} validates against ${schemaName}`, async (t) => {
    const validate = ajv.compile(VECTOR_SCHEMAS[schemaName])
    const doc = load(file)
    t.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 3)))
    t.equal(doc.schema, `${schemaName}.schema.json`)
  })

  t.test(`${file}: numberOfTests, tcIds 1..N, one note per flag used`, async (t) => {
    const doc = load(file)
    const tests = doc.testGroups.flatMap((g) => g.tests)
    t.equal(doc.numberOfTests, tests.length)
    t.same(tests.map((x) => x.tcId), tests.map((_, i) => i + 1))
    const used = new Set(tests.flatMap((x) => x.flags))
    t.same([...used].sort(), Object.keys(doc.notes).sort())
  })
}

t.test('the schemas reject what the files must never contain', async (t) => {
  const validate = ajv.compile(VECTOR_SCHEMAS['pairing-vectors'])
  type Editable = { testGroups: { tests: Record<string, unknown>[] }[] }
  const doc = load('pairing.json') as unknown as Editable
  const mutated = (edit: (test: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(doc)
    edit(copy.testGroups[2]!.tests[0]!)
    return copy
  }
  t.notOk(validate(mutated((x) => (x.extra = 1))), 'an unknown member')
  t.notOk(validate(mutated((x) => (x.pA = String(x.pA).toUpperCase()))), 'uppercase hex')
  t.notOk(validate(mutated((x) => (x.K = String(x.K).slice(2)))), 'a value of the wrong length')
  t.notOk(validate(mutated((x) => (x.result = 'acceptable'))), 'a result other than valid/invalid')
  t.notOk(validate(mutated((x) => delete x.cB)), 'a missing field')
  t.notOk(validate({ ...doc, $comment: 'edited by hand' }), 'another $comment')
})

t.test('the generated JSON Schema documents compile in strict mode', async (t) => {
  for (const [name, schema] of Object.entries(VECTOR_SCHEMAS)) {
    t.doesNotThrow(() => new Ajv2020({ strict: true }).compile(schemaDocument(name, schema)), name)
  }
  t.match(VECTOR_FILE_COMMENT, /npm run vectors/)
})

t.test('regenerating in memory gives the checked-in bytes (the --check logic)', async (t) => {
  t.same([...changedFiles().keys()], [], 'no file would change')
  const logged: string[] = []
  t.equal(run(['--check'], VECTORS_DIR, (line) => logged.push(line)), 0)
  t.same(logged, [])
})

t.test('--check names a file that would change, and the README needs its markers', async (t) => {
  const readme = readFileSync(join(VECTORS_DIR, README), 'utf8')
  const rendered = renderAll(readme)
  t.equal(rendered.get(README), readme)
  t.throws(() => withCounts('no markers here', 'table'), /generated markers/)
  const dir = t.testdir({
    'README.md': readme.replace(/\| 81 \|/, '| 80 |'),
    'pairing.json': rendered.get('pairing.json')!,
    'session.json': rendered.get('session.json')!.replace('"tcId": 1,', '"tcId": 0,'),
  })
  const logged: string[] = []
  t.equal(run(['--check'], dir, (line) => logged.push(line)), 1)
  t.match(logged.join('\n'), /vectors\/session\.json is missing or out of date/)
  t.match(logged.join('\n'), /vectors\/signing\.json is missing or out of date/)
  t.match(logged.join('\n'), /vectors\/README\.md is missing or out of date/)
  t.notMatch(logged.join('\n'), /pairing\.json/)
  t.equal(run([], dir, () => {}), 0, 'without --check it rewrites them')
  t.same([...changedFiles(dir).keys()], [])
})

t.test('every cited requirement anchor exists in spec/', async (t) => {
  const { requirements } = readRequirements(join(VECTORS_DIR, '..', 'spec'))
  const known = new Set(requirements.map((r) => r.id))
  t.ok(known.size > 0, 'spec/ defines anchors')
  const cited = Object.keys(FILES).flatMap((file) =>
    load(file).testGroups.flatMap((g) => [
      ...(g.requirements ?? []),
      ...g.tests.flatMap((x) => x.requirements ?? []),
    ]),
  )
  t.ok(cited.length > 0)
  t.same([...new Set(cited)].filter((a) => !known.has(a)), [], 'unknown anchors')
})
