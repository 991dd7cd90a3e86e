/**
 * The §7.10 cases against the reference device: with json_seq accepted every case passes; with
 * --no-json-seq (the offer declined) the element and packing cases are not supported, once a packed
 * plaintext was refused cleanly (packed-support.ts), and the other two still pass. That the
 * device's §7.10 fault switches fail these cases is conformance/reference.test.ts's.
 */
import t from 'tap'
import { failures, runOnReference } from '../../drivers/test-support.ts'
import { cases } from './index.ts'

const ONLY = ['7.10-*']
const statuses = (results: Awaited<ReturnType<typeof runOnReference>>) =>
  Object.fromEntries(results.map((r) => [r.id, r.status]))

t.test('a device that accepts json_seq passes every §7.10 case', async (t) => {
  const results = await runOnReference(cases, { only: ONLY })
  t.equal(results.length, 5, 'five device cases of §7.10')
  t.same(failures(results), {})
  t.ok(results.every((r) => r.status === 'pass'), JSON.stringify(statuses(results)))
})

t.test('a device that declines json_seq: the element cases are not supported, with the reason', async (t) => {
  const results = await runOnReference(cases, { only: ONLY, deviceArgs: ['--no-json-seq'] })
  t.same(statuses(results), {
    '7.10-answer-only-offers': 'pass',
    '7.10-only-when-accepted': 'pass',
    '7.10-device-elements': 'skip',
    '7.10-too-many-elements': 'skip',
    '7.10-at-most-64': 'skip',
  })
  for (const r of results.filter((r) => r.status === 'skip')) {
    t.equal(r.cause, 'not-supported', `${r.id}: not supported`)
    t.match(r.reason, /declines packed plaintexts .* refused cleanly with one -32700, id null/, `${r.id}: the reason`)
  }
})
