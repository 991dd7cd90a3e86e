import t from 'tap'
import { PATHS } from '../protocol/registry.ts'
import { httpRequest } from './drivers/http.ts'
import type { CaseDefinition, Level } from './model.ts'
import { PHASES } from './phases.ts'
import { run, type RunOptions } from './runner.ts'
import type { Selection } from './selection.ts'
import { deadUrl, startStub, stubDiscovery } from './stub-device.ts'
import { CaseFailure, fail, PASS, skip } from './verdicts.ts'

// The runner does not validate anchors (registry.ts does): these name no real requirement.
const ANCHOR: Record<Level, string> = {
  MUST: 'anchor-of-a-must',
  SHOULD: 'anchor-of-a-should',
  MAY: 'anchor-of-a-may',
}
const ALL: Selection = { only: [], skip: [], level: 'should' }

function fake(
  id: string,
  level: Level,
  body: CaseDefinition['run'],
  extra: Partial<CaseDefinition> = {},
): CaseDefinition {
  return { id, level, requirement: ANCHOR[level], title: `case ${id}`, run: body, ...extra }
}
const passes = (id: string, level: Level = 'MUST') => fake(id, level, async () => PASS)
const fails = (id: string, level: Level = 'MUST') =>
  fake(id, level, async () => fail('wrong', 1, 2))

function options(url: string, cases: CaseDefinition[], extra: Partial<RunOptions> = {}) {
  const base: RunOptions = {
    url,
    pins: { kind: 'none' },
    selection: ALL,
    seed: 7,
    runs: 3,
    timeoutMs: 2000,
    slow: false,
    cases,
  }
  return { ...base, ...extra }
}

t.test('exit codes follow spec §14.2', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const exit = async (cases: CaseDefinition[], selection: Partial<Selection> = {}) =>
    (await run(options(stub.url, cases, { selection: { ...ALL, ...selection } }))).exitCode
  const skipped = fake('2.3-a', 'MUST', async () => skip('no'))
  t.equal(await exit([passes('2.3-a')]), 0, 'every MUST passed')
  t.equal(await exit([passes('2.3-a'), fails('2.3-b')]), 1, 'a MUST failed')
  t.equal(await exit([passes('2.3-a'), fails('7.9-b', 'SHOULD')]), 0, 'a SHOULD failure warns')
  t.equal(await exit([skipped]), 2, 'nothing ran: every case skipped')
  t.equal(await exit([passes('2.3-a')], { only: ['9.*'] }), 2, 'empty selection')
  t.equal(await exit([passes('7.9-a', 'SHOULD')], { level: 'must' }), 2, '--level must: none')
})

t.test('an unreachable target or an invalid discovery is unusable (exit 2)', async (t) => {
  const dead = await run(options(await deadUrl(), [passes('2.3-a')]))
  t.equal(dead.exitCode, 2)
  t.match(dead.kind === 'unusable' && dead.message, /cannot reach/)
  const bad = await startStub({ discovery: { ...stubDiscovery(), limits: {} } })
  t.teardown(bad.close)
  const invalid = await run(options(bad.url, [passes('2.3-a')]))
  t.equal(invalid.exitCode, 2)
  t.match(invalid.kind === 'unusable' && invalid.message, /discovery document is invalid/)
})

t.test('--test-control against a device without the profile is unusable', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const pins = { kind: 'test-control' } as const
  const outcome = await run(options(stub.url, [passes('2.3-a')], { pins }))
  t.equal(outcome.exitCode, 2)
  t.match(outcome.kind === 'unusable' && outcome.message, /test-control/)
})

t.test('cases are skipped with a reason, never passed, when they cannot run', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const ran: string[] = []
  const mark = (id: string, extra: Partial<CaseDefinition>) =>
    fake(id, 'MUST', async () => (ran.push(id), PASS), extra)
  const outcome = await run(
    options(stub.url, [
      mark('2.3-profile', { profiles: ['relay'] }),
      mark('2.3-pin', { needsPin: true }),
      mark('2.3-slow', { waitSeconds: () => 16 }),
      mark('2.3-quick', { waitSeconds: () => 15 }),
    ]),
  )
  if (outcome.kind !== 'done') return t.fail('the run did not start')
  const { results } = outcome.report
  const reasons = Object.fromEntries(results.map((r) => [r.id, r.reason ?? r.status]))
  t.match(reasons, {
    '2.3-profile': /profile relay not advertised/,
    '2.3-pin': /--pin-command/,
    '2.3-slow': /waits 16 s: pass --slow/,
    '2.3-quick': 'pass',
  })
  t.same(ran, ['2.3-quick'])
})

t.test('a throwing case fails, CaseFailure carries its verdict, cleanups run', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  let cleaned = 0
  const cleanup = () => void (cleaned += 1)
  const outcome = await run(
    options(stub.url, [
      fake('2.3-throws', 'MUST', async (ctx) => {
        ctx.defer(cleanup)
        throw new Error('boom')
      }),
      fake('2.3-aborts', 'MUST', async (ctx) => {
        ctx.defer(cleanup)
        throw new CaseFailure(skip('cannot'))
      }),
      fake('2.3-records', 'MUST', async (ctx) => {
        for (let i = 0; i < 60; i++) ctx.record({ step: `s${i}` })
        await httpRequest(ctx, { method: 'GET', path: PATHS.discovery })
        ctx.setReplay({ seed: 99, path: '1:2' })
        return fail('x', 1, 2)
      }),
    ]),
  )
  if (outcome.kind !== 'done') return t.fail('the run did not start')
  const [threw, aborted, recorded] = outcome.report.results
  t.match(threw, { status: 'fail', message: /unexpected error: boom/, replay: '2.3-throws@7' })
  t.match(aborted, { status: 'skip', reason: 'cannot' })
  t.equal(cleaned, 2)
  t.equal(recorded!.replay, '2.3-records@99:1:2', 'the replay point of a property failure')
  t.equal(recorded!.exchanges.length, 10 + 1 + 40, 'first 10, a gap marker, last 40')
  t.match(recorded!.exchanges.at(-1), { step: `GET ${PATHS.discovery}`, actual: { status: 200 } })
})

t.test('--replay runs exactly that case with its seed and path', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const seen: unknown[] = []
  const replayed = fake('2.3-b', 'MUST', async (ctx) => (seen.push([ctx.seed, ctx.replay]), PASS))
  const outcome = await run(
    options(stub.url, [passes('2.3-a'), replayed], {
      selection: { ...ALL, replayId: '2.3-b' },
      replay: { id: '2.3-b', point: { seed: 5, path: '0:1' } },
      seed: 5,
    }),
  )
  t.equal(outcome.kind === 'done' && outcome.report.results.length, 1)
  t.same(seen, [[5, { seed: 5, path: '0:1' }]])
})

t.test('test-control is used when the device advertises it, unless told not to', async (t) => {
  let opened = 0
  const stub = await startStub({
    discovery: stubDiscovery(['pairing', 'session', 'signed-http', 'test-control']),
    routes: [
      (req, res) => {
        if (req.url !== PATHS.testPin) return false
        opened += 1
        const body = JSON.stringify({ v: 1, pin: '314159', expires_at: Math.floor(Date.now() / 1000) + 60 })
        res.writeHead(200, { 'content-type': 'application/json' }).end(body)
        return true
      },
    ],
  })
  t.teardown(stub.close)
  const pinCase = fake('2.3-pin', 'MUST', async (ctx) => {
    const { pin } = await ctx.pins.openWindow()
    return pin === '314159' ? PASS : fail('pin', '314159', pin)
  }, { needsPin: true })
  const auto = await run(options(stub.url, [pinCase], { pins: { kind: 'auto' } }))
  t.equal(auto.exitCode, 0)
  t.equal(auto.report.pinSource, 'test-control')
  t.equal(opened, 1, 'the window came from test-control')
  const off = await run(options(stub.url, [pinCase, passes('2.3-a')], { pins: { kind: 'none' } }))
  t.equal(off.exitCode, 3, 'a MUST case unchecked: exit 3')
  t.match(off.report.results[0], { status: 'skip', cause: 'setup' })
  const allowed = await run(options(stub.url, [pinCase, passes('2.3-a')], { allowSkips: true }))
  t.equal(allowed.exitCode, 0, '--allow-skips')
})

t.test('a PIN command that fails stops the run with exit 2 and the results so far', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const pinCase = fake('2.3-pin', 'MUST', async (ctx) => (await ctx.pins.openWindow(), PASS), {
    needsPin: true,
  })
  const pins = { kind: 'command', command: 'echo no pin here' } as const
  const outcome = await run(options(stub.url, [passes('2.3-a'), pinCase, passes('2.3-b')], { pins }))
  t.equal(outcome.exitCode, 2)
  t.match(outcome.kind === 'unusable' && outcome.message, /2\.3-pin: --pin-command printed no 6-digit PIN/)
  t.same(outcome.report.results.map((r) => r.id), ['2.3-a'], 'what ran before the stop')
  t.match(outcome.report, { error: /printed no 6-digit PIN/, summary: { mustTotal: 3 } })
})

t.test('cases that wait alongside overlap as their timing allows, results stay in order', async (t) => {
  const stub = await startStub()
  t.teardown(stub.close)
  const events: string[] = []
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const timer = (id: string, timing: 'late-is-fine' | 'on-time', ms: number) =>
    fake(id, 'MUST', async (ctx) => {
      ctx.waitAlongside?.(timing)
      await sleep(ms)
      events.push(`${id} done`)
      return PASS
    }, { phase: PHASES.timers })
  const step = (id: string, phase: number) =>
    fake(id, 'MUST', async () => {
      events.push(`${id} start`)
      return PASS
    }, { phase })
  const cases = [
    timer('8.8-late', 'late-is-fine', 400),
    timer('7.7-on-time', 'on-time', 150),
    step('2.3-normal', PHASES.normal),
    step('10.3-budget', PHASES.budgets),
  ]
  const outcome = await run(options(stub.url, cases))
  t.equal(outcome.exitCode, 0)
  t.same(events, ['7.7-on-time done', '2.3-normal start', '8.8-late done', '10.3-budget start'],
    'the normal case waits for the on-time case only; the budget case for both')
  t.same(outcome.report.results.map((r) => r.id), cases.map((c) => c.id), 'results in case order')
})
