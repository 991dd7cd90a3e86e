// Checks spec requirements: pw-pair-5.3-ttl-bound, pw-pair-5.4-atomic-budget
import t from 'tap'
import { isTrivialPin, validatePin } from '../../protocol/spake2/index.ts'
import { MemoryPairingState } from '../store/pairing-state.ts'
import { PairingWindow, type WindowRules } from './window.ts'

const rules = { maxPinTtl: 300, maxFailures: 3, unlimitedFailures: false }

const windowWith = (r: WindowRules = rules) => new PairingWindow(r, new MemoryPairingState())

t.test('open shows a valid non-trivial PIN and an expiry of now + ttl', async (t) => {
  const window = windowWith()
  const open = await window.open(120, 1000)
  t.equal(validatePin(open.pin), open.pin)
  t.notOk(isTrivialPin(open.pin))
  t.equal(open.expiresAt, 1120)
  t.same(await window.current(1000), open)
})

t.test('ttl must be an integer in 1..max_pin_ttl', async (t) => {
  const window = windowWith()
  for (const ttl of [0, -1, 301, 1.5, Number.NaN]) {
    await t.rejects(window.open(ttl, 0), RangeError, `${ttl}`)
  }
  t.equal(await window.current(0), undefined, 'a refused open leaves no window')
  t.ok(await window.open(300, 0))
})

t.test('the window is open while now < expires_at (spec §2.7)', async (t) => {
  const window = windowWith()
  await window.open(10, 100)
  t.ok(await window.current(109), 'open one second before expires_at')
  t.ok(await window.current(110, false), 'expiry ignored on request (faults)')
  t.equal(await window.current(110), undefined, 'closed at expires_at')
  t.equal(await window.current(105), undefined, 'and stays closed')
})

t.test('the failure budget closes the window and counts attempts down', async (t) => {
  const window = windowWith()
  const { generation } = await window.open(60, 0)
  for (const remaining of [2, 1]) {
    const attempt = await window.beginAttempt(generation)
    t.equal(await attempt?.failed(), remaining)
  }
  t.ok(await window.current(0))
  const last = await window.beginAttempt(generation)
  t.equal(await last?.failed(), 0)
  t.equal(await window.current(0), undefined, 'closed at the budget')
  t.equal(await window.beginAttempt(generation), undefined, 'a closed window takes no attempt')
})

t.test('concurrent confirmations never exceed the budget (§5.4 atomic budget)', async (t) => {
  const window = windowWith()
  const { generation } = await window.open(60, 0)
  const attempts = await Promise.all(Array.from({ length: 10 }, () => window.beginAttempt(generation)))
  const begun = attempts.filter((a) => a !== undefined)
  t.equal(begun.length, 3, 'three of ten racing confirmations may verify cA')
  t.ok(await window.current(0), 'open while they are verified')
  const remaining = await Promise.all(begun.map((a) => a.failed()))
  t.same(remaining.sort(), [0, 1, 2])
  t.equal(await window.current(0), undefined, 'closed by the last of them')
})

t.test('without a failure budget (fault) the window stays open', async (t) => {
  const window = windowWith({ ...rules, unlimitedFailures: true })
  const { generation } = await window.open(60, 0)
  for (let i = 0; i < 10; i++) await (await window.beginAttempt(generation))?.failed()
  t.ok(await window.current(0))
})

t.test('a success closes the window once; a replaced window takes no attempts', async (t) => {
  const window = windowWith()
  const first = await window.open(60, 0)
  const [a, b] = [await window.beginAttempt(first.generation), await window.beginAttempt(first.generation)]
  t.ok(await a?.succeeded(), 'the first success closes the window')
  t.equal(await b?.succeeded(), undefined, 'a second success finds it closed')
  const second = await window.open(60, 0)
  t.not(second.generation, first.generation)
  t.equal(await window.beginAttempt(first.generation), undefined, 'the old generation')
  t.equal((await window.current(0))?.generation, second.generation)
})

t.test('a window closed at success can be reopened unchanged until another opens', async (t) => {
  const window = windowWith()
  const open = await window.open(60, 0)
  await (await window.beginAttempt(open.generation))?.failed()
  const reopen = await (await window.beginAttempt(open.generation))?.succeeded()
  t.equal(await window.current(0), undefined)
  await reopen?.()
  t.same(await window.current(0), open, 'same PIN, generation and expiry')
  const next = await window.beginAttempt(open.generation)
  t.equal(await next?.failed(), 1, 'failure count kept, the success attempt given back')
  const again = await (await window.beginAttempt(open.generation))?.succeeded()
  const newer = await window.open(60, 0)
  await again?.()
  t.equal((await window.current(0))?.generation, newer.generation, 'a newer window is never replaced')
})
