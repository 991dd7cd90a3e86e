/**
 * The harness's reading of packed plaintexts (spec §7.10): the elements of one a harness offered
 * json_seq for, in order; and a failed case naming pw-sess-7.10-only-when-accepted for one it did
 * not offer, or naming §7.10 for an element that is not JSON.
 */
import t from 'tap'
import { utf8Encode } from '../../protocol/encoding.ts'
import { packTexts } from '../../protocol/json-seq.ts'
import { CaseFailure } from '../verdicts.ts'
import { packedElements } from './packed.ts'

const texts = (...values: unknown[]) => values.map((v) => utf8Encode(JSON.stringify(v)))
const failureOf = (run: () => unknown): { message: string; actual: unknown } => {
  try {
    run()
  } catch (e) {
    if (e instanceof CaseFailure && e.verdict.status === 'fail') return e.verdict
    throw e
  }
  return { message: 'no failure', actual: undefined }
}

t.test('offered: each element is one JSON value, in order; empty elements are none', async (t) => {
  const plaintext = packTexts(texts({ id: 1 }, [2], 'three'))
  t.same(packedElements(plaintext, true), [{ id: 1 }, [2], 'three'])
  t.same(packedElements(Uint8Array.of(0x1e, 0x1e, 0x31, 0x0a, 0x1e), true), [1])
})

t.test('not offered: the case fails under pw-sess-7.10-only-when-accepted', async (t) => {
  const failure = failureOf(() => packedElements(packTexts(texts({ id: 1 }, { id: 2 })), false))
  t.match(failure, { message: /§7\.10 pw-sess-7\.10-only-when-accepted/, actual: /packed plaintext of 2 elements/ })
})

t.test('an element that is not UTF-8 JSON fails the case, naming its place', async (t) => {
  const plaintext = packTexts([utf8Encode('{"id":1}'), Uint8Array.of(0x7b, 0xff, 0x7d)])
  t.match(failureOf(() => packedElements(plaintext, true)), { message: /not UTF-8 JSON \(§7\.10\)/, actual: /^element 2 of 2/ })
})
