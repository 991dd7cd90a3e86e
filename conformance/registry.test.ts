import t from 'tap'
import type { Requirement } from '../spec/tools/anchors.ts'
import type { CaseDefinition, Level } from './model.ts'
import { PHASES } from './phases.ts'
import { loadCases, RegistryError, registryProblems, specRequirements } from './registry.ts'
import { PASS } from './verdicts.ts'

// Anchors of a made-up spec, spelled in pieces so that spec coverage (spec §14.3) does not count
// this test as a check of a real requirement.
const anchor = (...parts: string[]): string => ['pw', ...parts].join('-')
const MUST_ANCHOR = anchor('conv', '2.3', 'a')
const SHOULD_ANCHOR = anchor('sess', '7.9', 'b')
const requirement = (id: string, level: Level): Requirement => ({
  id,
  level,
  role: 'device',
  file: 'x.md',
  line: 1,
  text: '',
})
const SPEC = [requirement(MUST_ANCHOR, 'MUST'), requirement(SHOULD_ANCHOR, 'SHOULD')]

function fake(id: string, anchor = MUST_ANCHOR, level: Level = 'MUST', phase?: number) {
  const c: CaseDefinition = { id, level, requirement: anchor, title: id, run: async () => PASS }
  return phase === undefined ? c : { ...c, phase }
}

t.test('every registered case is valid against spec/ and ordered by phase', async (t) => {
  const cases = loadCases()
  t.ok(cases.length >= 40, `${cases.length} cases`)
  t.same(registryProblems(cases, specRequirements()), [])
  const phases = cases.map((c) => c.phase ?? PHASES.normal)
  t.same(phases, [...phases].sort((a, b) => a - b), 'phases ascend')
  t.equal(cases.at(-1)?.phase, PHASES.perIpRate, 'the per-IP cases run last')
})

t.test('a sound list has no problems', async (t) => {
  t.same(registryProblems([fake('2.3-a')], SPEC), [])
})

t.test('each rule of the registry is enforced', async (t) => {
  const broken: [string, CaseDefinition[], RegExp][] = [
    ['duplicate id', [fake('2.3-a'), fake('2.3-a')], /duplicate case id/],
    ['id not section-slug', [fake('2.3_A')], /not <section>-<slug>/],
    ['unknown anchor', [fake('2.3-a', anchor('conv', '2.3', 'nope'))], /is not in spec/],
    ['section mismatch', [fake('2.4-a')], /differs from anchor/],
    ['level mismatch', [fake('7.9-a', SHOULD_ANCHOR, 'MUST')], /level MUST but .* is SHOULD/],
  ]
  for (const [what, list, problem] of broken) {
    const problems = registryProblems(list, SPEC)
    t.equal(problems.length, 1, what)
    t.match(problems[0], problem, what)
    t.throws(() => loadCases(list, SPEC), RegistryError, `${what}: loading throws`)
  }
})

t.test('loadCases sorts by phase and keeps the order within a phase', async (t) => {
  const list = [
    fake('2.3-c', MUST_ANCHOR, 'MUST', 2),
    fake('2.3-a'),
    fake('2.3-b', MUST_ANCHOR, 'MUST', 1),
    fake('2.3-d'),
  ]
  t.same(loadCases(list, SPEC).map((c) => c.id), ['2.3-a', '2.3-d', '2.3-b', '2.3-c'])
})
