/**
 * Every JSON example of the spec is real: each fenced block whose info string is
 * `json schema=<name>` (wire conventions, spec §2) parses and validates against the registered
 * schema <name>. A block naming no registered schema fails, and finding no example at all fails,
 * so a renamed fence or a moved spec cannot turn this test into a silent pass.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { SCHEMAS } from './src/index.ts'
import { compileValidators } from './compile.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SPEC_DIR = join(ROOT, 'spec')

interface Example {
  readonly where: string
  readonly schema: string
  readonly text: string
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return markdownFiles(path)
      return entry.name.endsWith('.md') ? [path] : []
    })
    .sort()
}

// CommonMark §4.5: a fence is 3+ backticks or tildes; it closes on a line of the same character,
// at least as long, with nothing else on it.
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/
const closes = (opening: string, fence: string, info: string): boolean =>
  info.trim() === '' && fence[0] === opening[0] && fence.length >= opening.length

function examplesIn(file: string, markdown: string): Example[] {
  const examples: Example[] = []
  let open: { fence: string; schema: string | null; line: number; body: string[] } | null = null
  markdown.split('\n').forEach((line, i) => {
    const fence = FENCE.exec(line)
    if (open === null) {
      if (fence === null) return
      const [lang, ...attributes] = fence[2]!.trim().split(/\s+/)
      const schema = attributes.find((a) => a.startsWith('schema='))?.slice('schema='.length)
      const named = lang === 'json' && schema ? schema : null
      open = { fence: fence[1]!, schema: named, line: i + 1, body: [] }
    } else if (fence !== null && closes(open.fence, fence[1]!, fence[2]!)) {
      const { schema, body } = open
      const where = `${file}:${open.line}`
      if (schema !== null) examples.push({ where, schema, text: body.join('\n') })
      open = null
    } else {
      open.body.push(line)
    }
  })
  return examples
}

t.test('the example reader finds json schema= fences and nothing else', async (t) => {
  const markdown = [
    '```json schema=ticket-request', '{ "v": 1 }', '```',
    '```json', '{ "not": "an example" }', '```',
    '````json schema=problem', '```', '````',
    '~~~ json  schema=ticket-request extra', '{}', '~~~',
  ].join('\n')
  t.same(examplesIn('x.md', markdown), [
    { where: 'x.md:1', schema: 'ticket-request', text: '{ "v": 1 }' },
    { where: 'x.md:7', schema: 'problem', text: '```' },
    { where: 'x.md:10', schema: 'ticket-request', text: '{}' },
  ])
})

t.test('every spec example validates against the schema it names', async (t) => {
  const files = markdownFiles(SPEC_DIR)
  const examples = files.flatMap((path) =>
    examplesIn(relative(ROOT, path), readFileSync(path, 'utf8')))
  t.ok(examples.length > 0, `found ${examples.length} json schema= examples in spec/`)
  const validators = compileValidators(SCHEMAS)
  for (const example of examples) {
    const validator = validators.get(example.schema)
    if (validator === undefined) {
      t.fail(`${example.where}: no schema named ${example.schema}`)
      continue
    }
    let value: unknown
    try {
      value = JSON.parse(example.text)
    } catch (e) {
      t.fail(`${example.where}: not JSON (${(e as Error).message})`)
      continue
    }
    const valid = validator(value)
    t.ok(valid, `${example.where} (${example.schema})${valid ? '' : ': ' + validator.explain()}`)
  }
})
