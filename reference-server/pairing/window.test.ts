// Checks spec requirements: pw-pair-5.3-ttl-bound
import t from 'tap'
import { isTrivialPin, validatePin } from '../../protocol/spake2/index.ts'
import { PairingWindow } from './window.ts'

const rules = { maxPinTtl: 300, maxFailures: 3, unlimitedFailures: false }

t.test('open shows a valid non-trivial PIN and an expiry of now + ttl', async (t) => {
  const window = new PairingWindow(rules)
  const open = window.open(120, 1000)
  t.equal(validatePin(open.pin), open.pin)
  t.notOk(isTrivialPin(open.pin))
  t.equal(open.expiresAt, 1120)
  t.same(window.current(1000), open)
})

t.test('ttl must be an integer in 1..max_pin_ttl', async (t) => {
  const window = new PairingWindow(rules)
  for (const ttl of [0, -1, 301, 1.5, Number.NaN]) {
    t.throws(() => window.open(ttl, 0), RangeError, `${ttl}`)
  }
  t.equal(window.current(0), undefined, 'a refused open leaves no window')
  t.ok(window.open(300, 0))
})

t.test('the window is open while now < expires_at (spec §2.7)', async (t) => {
  const window = new PairingWindow(rules)
  window.open(10, 100)
  t.ok(window.current(109), 'open one second before expires_at')
  t.ok(window.current(110, false), 'expiry ignored on request (faults)')
  t.equal(window.current(110), undefined, 'closed at expires_at')
  t.equal(window.current(105), undefined, 'and stays closed')
})

t.test('the failure budget closes the window and counts attempts down', async (t) => {
  const window = new PairingWindow(rules)
  const { generation } = window.open(60, 0)
  t.equal(window.recordFailure(generation), 2)
  t.equal(window.recordFailure(generation), 1)
  t.ok(window.current(0))
  t.equal(window.recordFailure(generation), 0)
  t.equal(window.current(0), undefined, 'closed at the budget')
  t.equal(window.recordFailure(generation), 0, 'a closed window has nothing left')
})

t.test('without a failure budget (fault) the window stays open', async (t) => {
  const window = new PairingWindow({ ...rules, unlimitedFailures: true })
  const { generation } = window.open(60, 0)
  for (let i = 0; i < 10; i++) window.recordFailure(generation)
  t.ok(window.current(0))
})

t.test('a new window replaces the old one; old generations cannot touch it', async (t) => {
  const window = new PairingWindow(rules)
  const first = window.open(60, 0)
  const second = window.open(60, 0)
  t.not(second.generation, first.generation)
  t.equal(window.current(0)?.generation, second.generation)
  t.equal(window.recordFailure(first.generation), 0)
  window.close(first.generation)()
  t.ok(window.current(0), 'closing the old generation leaves the new window open')
  window.close(second.generation)
  t.equal(window.current(0), undefined)
})

t.test('a window closed at success can be reopened unchanged until another opens', async (t) => {
  const window = new PairingWindow(rules)
  const open = window.open(60, 0)
  window.recordFailure(open.generation)
  const reopen = window.close(open.generation)
  t.equal(window.current(0), undefined)
  reopen()
  t.same(window.current(0), open, 'same PIN, generation and expiry')
  t.equal(window.recordFailure(open.generation), 1, 'failure count kept')
  const again = window.close(open.generation)
  const next = window.open(60, 0)
  again()
  t.equal(window.current(0)?.generation, next.generation, 'a newer window is never replaced')
})
