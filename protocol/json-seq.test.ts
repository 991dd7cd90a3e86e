import fc from 'fast-check'
import t from 'tap'
import { utf8Decode, utf8Encode } from './encoding.ts'
import {
  fastestSearch,
  isPacked,
  packPlaintexts,
  packTexts,
  splitPacked,
  TurnPacker,
  typedArraySearch,
} from './json-seq.ts'
import { SIZES } from './registry.ts'

const json = (value: unknown) => utf8Encode(JSON.stringify(value))
const parsed = (bytes: Uint8Array) => JSON.parse(utf8Decode(bytes)) as unknown
/** Each plaintext's JSON values, in order: its elements when packed, else the text itself. */
const valuesOf = (plaintexts: Uint8Array[]) =>
  plaintexts.flatMap((p) => (isPacked(p) ? splitPacked(p).map(parsed) : [parsed(p)]))

t.test('RFC 7464 §2 layout: RS, the JSON text, LF for each element', async (t) => {
  const packed = packTexts([json({ a: 1 }), json([2])])
  t.same([...packed], [0x1e, ...json({ a: 1 }), 0x0a, 0x1e, ...json([2]), 0x0a])
  t.ok(isPacked(packed))
  t.notOk(isPacked(json({ a: 1 })), 'a JSON text never begins with RS')
  t.notOk(isPacked(new Uint8Array(0)))
  t.same(splitPacked(packed).map(parsed), [{ a: 1 }, [2]])
})

t.test('empty elements are no elements (RFC 7464 §2.1); bytes that are not UTF-8 stay one element', async (t) => {
  const bytes = Uint8Array.of(0x1e, 0x1e, 0x31, 0x0a, 0x1e, 0xff, 0xfe, 0x1e, 0x1e)
  const elements = splitPacked(bytes)
  t.same(elements.map((e) => [...e]), [[0x31, 0x0a], [0xff, 0xfe]])
  t.same(splitPacked(Uint8Array.of(0x1e)), [])
})

t.test("property: Node's Buffer search finds the same RS as the standard one, so both split alike", async (t) => {
  t.not(fastestSearch, typedArraySearch, 'on Node the Buffer search is the one used')
  // Bytes drawn mostly from RS and LF, so that elements are short, empty or at either end.
  const byte = fc.oneof(fc.constant(0x1e), fc.constant(0x0a), fc.integer({ min: 0, max: 255 }))
  const property = fc.property(fc.array(byte, { maxLength: 300 }), fc.nat(310), (bytes, from) => {
    const plaintext = Uint8Array.from(bytes)
    const found = fastestSearch(plaintext, 0x1e, from)
    if (found !== typedArraySearch(plaintext, 0x1e, from)) return false
    const split = (search: typeof fastestSearch) => splitPacked(plaintext, search).map((e) => [...e])
    return JSON.stringify(split(fastestSearch)) === JSON.stringify(split(typedArraySearch))
  })
  t.doesNotThrow(() => fc.assert(property, { numRuns: 500 }))
  const view = Uint8Array.of(9, 0x1e, 7, 0x1e).subarray(2)
  t.equal(fastestSearch(view, 0x1e, 0), 1, "an index counts from the view's start, not its buffer's")
})

t.test('a lone text is sent as itself; a burst is packed within max_frame − 16 and 64 elements', async (t) => {
  const one = json({ jsonrpc: '2.0', id: 1, result: 'x' })
  t.same(packPlaintexts([one], 100), [one])
  const small = Array.from({ length: 200 }, (_, id) => json({ jsonrpc: '2.0', id, result: 0 }))
  const packed = packPlaintexts(small, SIZES.noiseMaxMessage - SIZES.aeadTag)
  t.same(packed.map((p) => splitPacked(p).length), [64, 64, 64, 8])
  t.same(valuesOf(packed), small.map(parsed))
  const uncapped = packPlaintexts(small, SIZES.noiseMaxMessage - SIZES.aeadTag, 100)
  t.same(uncapped.map((p) => splitPacked(p).length), [100, 100], 'maxElements replaces the 64 (a fault switch)')
})

t.test('property: order and content survive, every plaintext fits, none packs fewer than two', async (t) => {
  const text = fc.jsonValue({ maxDepth: 2 }).map(json)
  const property = fc.property(fc.array(text, { maxLength: 150 }), fc.integer({ min: 1024, max: 65519 }), (texts, max) => {
    const fitting = texts.filter((x) => x.length <= max)
    const plaintexts = packPlaintexts(fitting, max)
    for (const p of plaintexts) {
      if (p.length > max) return false
      if (isPacked(p) && (splitPacked(p).length < 2 || splitPacked(p).length > SIZES.jsonSeqMaxElements)) return false
    }
    return JSON.stringify(valuesOf(plaintexts)) === JSON.stringify(fitting.map(parsed))
  })
  t.doesNotThrow(() => fc.assert(property, { numRuns: 300 }))
})

t.test('TurnPacker: one flush per run, packed in order, a new run schedules again', async (t) => {
  const scheduled: (() => void)[] = []
  const sealed: Uint8Array[] = []
  const packer = new TurnPacker((flush) => scheduled.push(flush), 1000, (p) => sealed.push(p))
  const texts = [1, 2, 3].map((id) => json({ jsonrpc: '2.0', id, result: 0 }))
  for (const text of texts) packer.add(text)
  t.equal(scheduled.length, 1, 'the first add of a run schedules the one flush')
  t.same(sealed, [], 'nothing is sealed before the flush runs')
  scheduled[0]!()
  t.equal(sealed.length, 1)
  t.same(valuesOf(sealed), texts.map(parsed))
  packer.add(texts[0]!)
  t.equal(scheduled.length, 2, 'an add after a flush schedules the next')
  scheduled[1]!()
  t.same(sealed[1], texts[0], 'a lone text is sealed as itself')
  // The limit of packPlaintexts: a run too large for one plaintext becomes several, in order.
  const run: (() => void)[] = []
  const twoFit = 2 * (texts[0]!.length + 2)
  const bounded = new TurnPacker((flush) => run.push(flush), twoFit, (p) => sealed.push(p))
  sealed.length = 0
  for (const text of texts) bounded.add(text)
  run[0]!()
  t.same(sealed.map((p) => (isPacked(p) ? splitPacked(p).length : 1)), [2, 1])
  t.same(valuesOf(sealed), texts.map(parsed))
  const immediate = new TurnPacker((flush) => flush(), 1000, (p) => sealed.push(p))
  sealed.length = 0
  immediate.add(texts[0]!)
  t.equal(sealed.length, 1, 'a scheduler that runs at once seals at once')
})
