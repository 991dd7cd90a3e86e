import { readFileSync } from 'node:fs'
import t from 'tap'
import { readRequirements } from './anchors.ts'
import { coverage } from './coverage.ts'
import { renderSpecFile } from './registry-tables.ts'

const specDir = new URL('..', import.meta.url).pathname

t.test('every requirement of spec/ has one well-formed, unique anchor and a level', async (t) => {
  const { requirements, problems } = readRequirements(specDir)
  t.same(problems, [])
  t.ok(requirements.filter((r) => r.level === 'MUST').length >= 100, 'the spec states its MUSTs')
})

t.test('spec §11 is the registry module, regenerated (npm run spec:registry)', async (t) => {
  const current = readFileSync(new URL('../11-registry.md', import.meta.url), 'utf8')
  t.equal(renderSpecFile(current), current)
  t.match(current, /urn:pairwire:error:clock-skew/)
  t.match(current, /\| 4422 \| `frame-auth-failed` \|/)
})

t.test('no test, vector or case cites an anchor the spec does not define', async (t) => {
  const report = coverage()
  t.same(
    report.unknownCitations.map((c) => `${c.anchor} in ${c.where}`),
    [],
    'every cited anchor exists',
  )
})
