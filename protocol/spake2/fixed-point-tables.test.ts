/**
 * useFixedPointTables (constants.ts): the table-less path the reference client CLI takes gives
 * the same shares and shared points as the tabled one, for both roles.
 */
import t from 'tap'
import { useFixedPointTables } from './constants.ts'
import { randomScalar } from './scalar.ts'
import { computeShare, sharedPoint } from './share.ts'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

function exchange(x: bigint, y: bigint, w: bigint) {
  const pA = computeShare('A', x, w)
  const pB = computeShare('B', y, w)
  return { pA: hex(pA), pB: hex(pB), KA: hex(sharedPoint('A', x, w, pB)), KB: hex(sharedPoint('B', y, w, pA)) }
}

t.test('shares and K are the same with and without fixed-point tables', async (t) => {
  t.teardown(() => useFixedPointTables(true))
  for (let i = 0; i < 3; i++) {
    const [x, y, w] = [randomScalar(), randomScalar(), randomScalar()]
    useFixedPointTables(true)
    const tabled = exchange(x, y, w)
    useFixedPointTables(false)
    const plain = exchange(x, y, w)
    t.same(plain, tabled, `run ${i}: the same pA, pB and K`)
    t.equal(plain.KA, plain.KB, `run ${i}: both roles derive the same K`)
  }
})
