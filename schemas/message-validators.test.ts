/**
 * The build-time validators (schemas/message-validators.ts, ajv standalone code) are up to date
 * with the schemas, judge exactly as ajv compiling the same documents at run time, evaluate no
 * code, and pull neither ajv nor TypeBox into a bundle of schemas/validate.ts (issue 19).
 */
import { readFileSync } from 'node:fs'
import equalAjv from 'ajv/dist/runtime/equal.js'
import ucs2lengthAjv from 'ajv/dist/runtime/ucs2length.js'
import { build } from 'esbuild'
import fc from 'fast-check'
import t from 'tap'
import { compileValidators } from './compile.ts'
import { VALIDATORS_FILE, renderValidators, run } from './generate-validators.ts'
import { MESSAGE_VALIDATORS } from './message-validators.ts'
import { MESSAGE_SCHEMAS } from './src/messages.ts'
import { SAMPLES } from './src/samples.ts'
import { describeErrors, equal, ucs2length } from './validator-runtime.ts'

// CommonJS modules: Node's default import is module.exports, which carries the function as default.
const ajvEqual = equalAjv.default as unknown as (a: unknown, b: unknown) => boolean

t.test('the checked-in module is what the generator writes', async (t) => {
  const logs: string[] = []
  t.equal(run(['--check'], VALIDATORS_FILE, (line) => logs.push(line)), 0, logs.join('\n'))
  t.equal(readFileSync(VALIDATORS_FILE, 'utf8'), renderValidators())
})

t.test('--check names the command when the file is stale', async (t) => {
  const dir = t.testdir({ 'message-validators.ts': '// stale\n' })
  const logs: string[] = []
  t.equal(run(['--check'], `${dir}/message-validators.ts`, (line) => logs.push(line)), 1)
  t.match(logs.join('\n'), /npm run schemas:validators/)
})

t.test('the generated code evaluates nothing and requires nothing', async (t) => {
  const text = readFileSync(VALIDATORS_FILE, 'utf8')
  t.notMatch(text, /new Function|\beval\(|require\(/)
  t.same(Object.keys(MESSAGE_VALIDATORS).sort(), Object.keys(MESSAGE_SCHEMAS).sort())
})

// Mutations of a valid message that exercise every keyword family: required, additional
// properties, types, lengths in code points (astral characters), patterns, enums, uniqueItems.
const JSON_VALUE = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, '', 'x', '😀'.repeat(33), 'A'.repeat(43), [], {}),
  fc.string({ unit: 'grapheme', maxLength: 70 }),
  fc.array(fc.constantFrom('pairing', 'session', 'signed-http', 1, 'ed25519'), { maxLength: 5 }),
)

function mutated(value: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(value)
  return fc.oneof(
    fc.constant(value),
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(value).filter(([m]) => m !== k))),
    fc.tuple(fc.constantFrom(...keys, 'extra'), JSON_VALUE).map(([k, v]) => ({ ...value, [k]: v })),
    JSON_VALUE,
  )
}

t.test('standalone and run-time validators agree on verdict and error text', async (t) => {
  const runtime = compileValidators(MESSAGE_SCHEMAS)
  let checked = 0
  for (const [name, sample] of Object.entries(SAMPLES)) {
    const standalone = MESSAGE_VALIDATORS[name]!
    const compiled = runtime.get(name)!
    fc.assert(
      fc.property(mutated(sample.valid as Record<string, unknown>), (input) => {
        const verdict = standalone(input)
        checked++
        return (
          verdict === compiled(input) &&
          describeErrors(name, standalone.errors) === (verdict ? '' : compiled.explain())
        )
      }),
      { numRuns: 150, seed: 19 },
    )
    t.ok(standalone(sample.valid), `${name} sample is valid`)
  }
  t.ok(checked >= 150 * Object.keys(SAMPLES).length)
})

t.test('the ajv-free helpers give ajv results', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => ucs2length(s) === ucs2lengthAjv.default(s)),
  )
  t.equal(ucs2length('a😀b'), 3)
  t.equal(ucs2length('\ud800'), 1, 'a lone surrogate is one unit')
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      // fast-deep-equal calls an own valueOf or toString member, which JSON data may hold as a
      // non-function ({"toString": false}); it throws there, so such pairs are checked below.
      let expected: boolean
      try {
        expected = ajvEqual(a, b)
      } catch {
        return fc.pre(false)
      }
      return equal(a, b) === expected
    }),
  )
  t.notOk(equal({ toString: false }, {}), 'an own toString key is ordinary JSON data')
  t.ok(equal({ toString: false }, { toString: false }))
  fc.assert(fc.property(fc.jsonValue(), (a) => equal(a, structuredClone(a))))
  t.notOk(equal({ a: 1 }, { b: 1 }))
  t.notOk(equal([1], { 0: 1 }))
})

t.test('a bundle of validate.ts carries neither ajv nor TypeBox', async (t) => {
  const result = await build({
    entryPoints: [new URL('./validate.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.keys(result.metafile.inputs)
  t.ok(inputs.some((f) => f.endsWith('message-validators.ts')))
  t.same(inputs.filter((f) => /node_modules\/(ajv|typebox|fast-deep-equal)\//.test(f)), [])
})
