/**
 * The RFC 8941 subset: Dictionaries of Inner Lists of Strings (Signature-Input) and of Byte
 * Sequences (Signature, Content-Digest), parsed strictly and serialized canonically.
 */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import t from 'tap'
import { utf8Encode } from '../encoding.ts'
import { ProtocolError } from '../errors.ts'
import {
  Token,
  parseByteSequenceDictionary,
  parseInnerListDictionary,
  serializeByteSequenceDictionary,
  serializeInnerList,
  serializeInnerListDictionary,
  type BareItem,
  type InnerList,
} from './structured-fields.ts'

const MALFORMED = { name: 'ProtocolError', code: 'malformed-signature' }

function outcome(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (e) {
    return e instanceof ProtocolError ? e.code : `untyped: ${String(e)}`
  }
}

t.test('parses an Inner List Dictionary with every parameter type (RFC 8941 §3.1.2)', async (t) => {
  const text =
    'sig=("@method" "@path";req "content-digest");created=1618884473;expires=-5;' +
    'nonce="a\\"b\\\\c";tag=tok/en:1;flag;off=?0;on=?1, other=()'
  const dictionary = parseInnerListDictionary(text)
  t.same([...dictionary.keys()], ['sig', 'other'])
  const sig = dictionary.get('sig')!
  t.same(
    sig.items.map((i) => i.value),
    ['@method', '@path', 'content-digest'],
  )
  t.same([...sig.items[1]!.params], [['req', true]], 'item parameters are kept')
  t.same(
    [...sig.params],
    [
      ['created', 1618884473],
      ['expires', -5],
      ['nonce', 'a"b\\c'],
      ['tag', new Token('tok/en:1')],
      ['flag', true],
      ['off', false],
      ['on', true],
    ],
  )
  t.same(dictionary.get('other'), { items: [], params: new Map() })
  t.equal(
    serializeInnerListDictionary(dictionary),
    'sig=("@method" "@path";req "content-digest");created=1618884473;expires=-5;' +
      'nonce="a\\"b\\\\c";tag=tok/en:1;flag;off=?0;on, other=()',
    'serialization is canonical: ?1 is written as the bare key (§4.1.1.2)',
  )
})

t.test('whitespace follows RFC 8941 §4.2 exactly', async (t) => {
  const parsed = parseInnerListDictionary('  a=( "x"  "y" );  p=1 ,\t b=()  \t')
  t.same([...parsed.keys()], ['a', 'b'], 'leading SP, SP inside lists, OWS around commas')
  t.equal(serializeInnerListDictionary(parsed), 'a=("x" "y");p=1, b=()')
  t.same(parseInnerListDictionary(''), new Map(), 'an empty field is an empty Dictionary')
  t.same(parseInnerListDictionary('   '), new Map())
  t.throws(() => parseInnerListDictionary('\ta=()'), MALFORMED, 'leading HTAB is not SP')
  t.throws(() => parseInnerListDictionary('a =()'), MALFORMED, 'no space before =')
  t.throws(() => parseInnerListDictionary('a=() ;p=1'), MALFORMED, 'no space before ;')
})

t.test('duplicate keys overwrite the earlier value in place (RFC 8941 §4.2.2)', async (t) => {
  const parsed = parseInnerListDictionary('a=("x");p=1;q=2;p=3, b=(), a=("y")')
  t.same([...parsed.keys()], ['a', 'b'])
  t.equal(serializeInnerListDictionary(parsed), 'a=("y"), b=()')
  t.equal(serializeInnerList(parseInnerListDictionary('a=();p=1;q=2;p=3').get('a')!), '();p=3;q=2')
})

t.test('integers: at most 15 digits, no decimals (RFC 8941 §4.2.4)', async (t) => {
  const created = (text: string): BareItem | undefined =>
    parseInnerListDictionary(`a=();n=${text}`).get('a')!.params.get('n')
  t.equal(created('999999999999999'), 999999999999999)
  t.equal(created('-999999999999999'), -999999999999999)
  t.equal(created('007'), 7, 'leading zeros parse; serialization drops them')
  t.throws(() => created('1234567890123456'), MALFORMED, '16 digits')
  t.throws(() => created('1.5'), MALFORMED, 'decimal')
  t.throws(() => created('-'), MALFORMED, 'sign without digits')
})

t.test('parses a Byte Sequence Dictionary (RFC 8941 §4.2.7)', async (t) => {
  const parsed = parseByteSequenceDictionary('sha-256=:AAEC:;p=1, sha-512=::, a=:YQ:, b=:YR==:')
  t.same(parsed.get('sha-256'), Uint8Array.of(0, 1, 2), 'parameters are parsed and not kept')
  t.same(parsed.get('sha-512'), new Uint8Array(0), 'empty byte sequence')
  t.same(parsed.get('a'), utf8Encode('a'), 'absent padding is synthesized')
  t.same(parsed.get('b'), utf8Encode('a'), 'non-zero pad bits are ignored')
  t.equal(
    serializeByteSequenceDictionary(parsed),
    'sha-256=:AAEC:, sha-512=::, a=:YQ==:, b=:YQ==:',
    'serialization always pads',
  )
})

t.test('malformed fields fail with malformed-signature', async (t) => {
  const innerList: [string, string][] = [
    ['a=("x)', 'unterminated string'],
    ['a=("x\\', 'escape at the end'],
    ['a=("\\n")', 'bad escape'],
    ['a=("é")', 'non-ASCII string'],
    ['a=("\u0007")', 'control character in string'],
    ['A=()', 'uppercase key'],
    ['1a=()', 'key starting with a digit'],
    ['a=();Created=1', 'uppercase parameter key'],
    ['a', 'missing = (a bare Boolean member is outside the subset)'],
    ['a;p=1', 'missing = before parameters'],
    ['a=() x', 'trailing garbage'],
    ['a=()x', 'garbage right after a member'],
    ['a=(),', 'trailing comma'],
    ['a=(), ', 'trailing comma and space'],
    ['a="x"', 'member that is not an inner list'],
    ['a=(x)', 'token inside the inner list'],
    ['a=(1)', 'integer inside the inner list'],
    ['a=("x""y")', 'no SP between members'],
    ['a=("x"', 'unterminated inner list'],
    ['a=("x" ', 'unterminated inner list after SP'],
    ['a=();p=', 'parameter = without a value'],
    ['a=();p=:YQ==:', 'byte sequence parameter'],
    ['a=();p=?2', 'bad boolean'],
    ['a=();p=@1', 'date parameter'],
    ['a=();p=1234567890123456', '16-digit integer'],
  ]
  for (const [text, why] of innerList) {
    t.equal(outcome(() => parseInnerListDictionary(text)), 'malformed-signature', why)
  }
  const byteSequence: [string, string][] = [
    ['a=:Y$==:', 'character outside base64'],
    ['a=:YQ-_:', 'base64url alphabet'],
    ['a=:Y===:', 'too much padding'],
    ['a=:YQ=:', 'incomplete padding'],
    ['a=:Y=Q=:', 'padding inside'],
    ['a=:Y:', 'impossible length'],
    ['a=:YQ==', 'unterminated'],
    ['a=("x")', 'inner list'],
    ['a=:YQ==:;P=1', 'bad parameter'],
  ]
  for (const [text, why] of byteSequence) {
    t.equal(outcome(() => parseByteSequenceDictionary(text)), 'malformed-signature', why)
  }
})

t.test('serialization refuses values RFC 8941 cannot express', async (t) => {
  const list = (params: [string, BareItem][], value = 'x'): Map<string, InnerList> =>
    new Map([['a', { items: [{ value, params: new Map() }], params: new Map(params) }]])
  const tokenAndNegative = list([['n', -3], ['t', new Token('a/b')]])
  t.equal(serializeInnerListDictionary(tokenAndNegative), 'a=("x");n=-3;t=a/b')
  t.throws(() => serializeInnerListDictionary(list([['Bad', 1]])), MALFORMED, 'key')
  t.throws(() => serializeInnerListDictionary(list([], 'line\nbreak')), MALFORMED, 'string')
  t.throws(() => serializeInnerListDictionary(list([['s', 'é']])), MALFORMED, 'non-ASCII')
  t.throws(() => serializeInnerListDictionary(list([['t', new Token('1a')]])), MALFORMED, 'token')
  t.throws(() => serializeInnerListDictionary(list([['n', 1.5]])), MALFORMED, 'decimal')
  t.throws(() => serializeInnerListDictionary(list([['n', 1e15]])), MALFORMED, '16 digits')
  t.throws(() => serializeInnerListDictionary(list([['n', NaN]])), MALFORMED, 'NaN')
  t.throws(() => serializeByteSequenceDictionary(new Map([['a b', new Uint8Array(1)]])), MALFORMED)
})

// Characters that steer the parsers deep into every branch, plus arbitrary ones.
const sfChar = fc.constantFrom(...'ab*-09=();:"\\ \t,?./+YQ'.split(''))
const sfText = fc.oneof(fc.string({ unit: sfChar, maxLength: 40 }), fc.string({ unit: 'binary' }))

t.test('parsers throw nothing but ProtocolError for any input', async (t) => {
  fc.assert(
    fc.property(sfText, (text) => {
      for (const parse of [parseInnerListDictionary, parseByteSequenceDictionary]) {
        const result = outcome(() => parse(text))
        if (result !== 'ok' && result !== 'malformed-signature') throw new Error(result)
      }
    }),
    { numRuns: 2000 },
  )
  t.pass('2000 inputs: every failure was malformed-signature')
})

const key = fc.stringMatching(/^[a-z*][a-z0-9_.*-]{0,6}$/)
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))
const bareItem: fc.Arbitrary<BareItem> = fc.oneof(
  fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }),
  fc.string({ unit: printable, maxLength: 12 }),
  fc.boolean(),
  fc.stringMatching(/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]{0,8}$/).map((v) => new Token(v)),
)
const params = fc
  .uniqueArray(fc.tuple(key, bareItem), { selector: ([k]) => k, maxLength: 4 })
  .map((entries) => new Map(entries))
// fc.record builds null-prototype objects; the parser builds plain ones.
const stringItem = fc
  .record({ value: fc.string({ unit: printable, maxLength: 8 }), params })
  .map((item) => ({ ...item }))
const innerList: fc.Arbitrary<InnerList> = fc
  .record({ items: fc.array(stringItem, { maxLength: 4 }), params })
  .map((list) => ({ ...list }))
const dictionaryOf = <T>(member: fc.Arbitrary<T>): fc.Arbitrary<Map<string, T>> =>
  fc
    .uniqueArray(fc.tuple(key, member), { selector: ([k]) => k, maxLength: 3 })
    .map((entries) => new Map(entries))

t.test('parse(serialize(d)) = d for every Dictionary of the subset', async (t) => {
  fc.assert(
    fc.property(dictionaryOf(innerList), (dictionary) => {
      const text = serializeInnerListDictionary(dictionary)
      assert.deepStrictEqual(parseInnerListDictionary(text), dictionary)
    }),
    { numRuns: 200 },
  )
  fc.assert(
    fc.property(dictionaryOf(fc.uint8Array({ maxLength: 40 })), (dictionary) => {
      const text = serializeByteSequenceDictionary(dictionary)
      assert.deepStrictEqual(parseByteSequenceDictionary(text), dictionary)
    }),
    { numRuns: 200 },
  )
  t.pass('round trips hold')
})
