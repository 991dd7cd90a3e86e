/**
 * The zaparoo-v1 case list against spec/profiles/zaparoo-v1.md: ids are unique `<section>-<slug>`,
 * each case cites an anchor of the profile with the same section and level, finding cases cite
 * §7 anchors and only they do, and every anchor is checked by a case or cited by the vector test.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { levelOf } from '../../../spec/tools/anchors.ts'
import { PACKAGE_ROOT } from '../../package-root.ts'
import { cases } from './cases/index.ts'

const SPEC = readFileSync(join(PACKAGE_ROOT, 'spec', 'profiles', 'zaparoo-v1.md'), 'utf8')
const VECTOR_TEST = readFileSync(join(PACKAGE_ROOT, 'vectors', 'profiles', 'zaparoo-v1', 'vectors.test.ts'), 'utf8')
const ANCHOR = /^- (.*)\{#(zp-[a-z]+-(\d+(?:\.\d+)*)-[a-z0-9-]+)\}$/gm
const anchors = new Map([...SPEC.matchAll(ANCHOR)].map((m) => [m[2]!, { level: levelOf(m[1]!), section: m[3]! }]))

t.test('the profile has anchored requirements and findings', async (t) => {
  t.ok(anchors.size >= 20)
  t.equal([...anchors.keys()].filter((a) => a.startsWith('zp-find-')).length, 5)
  for (const [id, a] of anchors) t.not(a.level, null, `${id} has a BCP 14 keyword`)
})

t.test('every case cites an anchor of its section and level', async (t) => {
  t.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'ids are unique')
  for (const c of cases) {
    const a = anchors.get(c.requirement)
    t.ok(a, `${c.id}: ${c.requirement} is in the profile`)
    t.match(c.id, /^\d+(?:\.\d+)*-[a-z0-9]+(?:-[a-z0-9]+)*$/)
    t.equal(c.id.slice(0, c.id.indexOf('-')), a?.section, `${c.id}: section`)
    t.equal(c.level, a?.level, `${c.id}: level`)
    t.equal(c.kind === 'finding', c.requirement.startsWith('zp-find-'), `${c.id}: findings are §7`)
  }
})

t.test('every anchor is checked by a case or the vector test', async (t) => {
  const checked = new Set(cases.map((c) => c.requirement))
  for (const id of anchors.keys()) t.ok(checked.has(id) || VECTOR_TEST.includes(id), id)
})
