import t from 'tap'
import type { CaseDefinition } from './model.ts'
import { formatReplay, parseReplay } from './replay.ts'
import { globToRegExp, levelSelected, selectCases, type Selection } from './selection.ts'
import { PASS } from './verdicts.ts'

const fake = (id: string, level: CaseDefinition['level']): CaseDefinition => ({
  id,
  level,
  requirement: 'no-anchor',
  title: id,
  run: async () => PASS,
})
const CASES = [
  fake('2.3-a', 'MUST'),
  fake('2.9-b', 'MUST'),
  fake('7.9-c', 'SHOULD'),
  fake('7.6-d', 'MAY'),
]
const ALL: Selection = { only: [], skip: [], level: 'should' }
const ids = (selection: Partial<Selection>) =>
  selectCases(CASES, { ...ALL, ...selection }).map((c) => c.id)

t.test('globs match whole ids with * and ?, everything else literal', async (t) => {
  t.ok(globToRegExp('2.*').test('2.3-a'))
  t.notOk(globToRegExp('2.*').test('12.3-a'), 'anchored at the start')
  t.ok(globToRegExp('?.3-a').test('2.3-a'))
  t.notOk(globToRegExp('2.3').test('203'), 'the dot is literal')
  t.ok(globToRegExp('a+(b)').test('a+(b)'), 'regex characters are literal')
})

t.test('--only, --skip and --level select cases', async (t) => {
  t.same(ids({}), ['2.3-a', '2.9-b', '7.9-c', '7.6-d'], 'should (the default) runs every level')
  t.same(ids({ level: 'must' }), ['2.3-a', '2.9-b'])
  t.same(ids({ only: ['2.*'] }), ['2.3-a', '2.9-b'])
  t.same(ids({ only: ['2.*', '7.9-*'], skip: ['2.9-*'] }), ['2.3-a', '7.9-c'])
  t.same(ids({ only: ['nothing'] }), [])
  t.same(ids({ skip: ['*'], replayId: '7.9-c' }), ['7.9-c'], 'replay overrides the filters')
  t.ok(levelSelected('MAY', 'should'))
  t.notOk(levelSelected('SHOULD', 'must'))
})

t.test('replay tokens round-trip, with and without a fast-check path', async (t) => {
  t.equal(formatReplay('2.9-no-internal-error', { seed: 42 }), '2.9-no-internal-error@42')
  t.equal(formatReplay('2.9-x', { seed: -7, path: '3:0:1' }), '2.9-x@-7:3:0:1')
  t.same(parseReplay('2.9-x@-7:3:0:1'), { id: '2.9-x', point: { seed: -7, path: '3:0:1' } })
  t.same(parseReplay('5.4-ttl-at-finish@123'), { id: '5.4-ttl-at-finish', point: { seed: 123 } })
  const bad = ['2.9-x', '2.9-x@', '2.9-x@1:', '2.9-x@1:a', '@1', '2.9-x@99999999999999999999']
  for (const token of bad) t.equal(parseReplay(token), undefined, token)
})
