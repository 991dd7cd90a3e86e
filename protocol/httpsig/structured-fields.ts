/**
 * The subset of RFC 8941 (Structured Field Values for HTTP) that signed requests need:
 * - a Dictionary whose members are Inner Lists of Strings with Parameters (Signature-Input,
 *   RFC 9421 §4.1), and
 * - a Dictionary whose members are Byte Sequences (Signature, RFC 9421 §4.2; Content-Digest,
 *   RFC 9530 §2).
 * Parameter values may be Integers, Strings, Tokens or Booleans (RFC 8941 §3.1.2).
 *
 * Parsing follows the algorithms of RFC 8941 §4.2 exactly, and fails on anything outside the
 * subset (a Decimal, a member of another shape, a bare key without a value). Every failure of a
 * parser or serializer is ProtocolError('malformed-signature'); callers that parse other fields
 * (Content-Digest) translate it. Duplicate keys overwrite the earlier value in its original
 * position (RFC 8941 §4.2.2, §4.2.3.2), which is what a Map does.
 */
import { ProtocolError } from '../errors.ts'
import { decodeBase64, encodeBase64 } from './base64.ts'

/** An RFC 8941 §3.3.4 Token, kept apart from a String because the two serialize differently. */
export class Token {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
}

export type BareItem = number | string | boolean | Token
export type Parameters = Map<string, BareItem>

export interface StringItem {
  readonly value: string
  readonly params: Parameters
}

export interface InnerList {
  readonly items: readonly StringItem[]
  readonly params: Parameters
}

function fail(detail: string): never {
  throw new ProtocolError('malformed-signature', detail)
}

// RFC 8941 §3.1.2 key, §3.3.4 token (tchar of RFC 9110 §5.6.2 plus ":" and "/"), §3.3.1 integer.
const KEY = /^[a-z*][a-z0-9_.*-]*$/
const KEY_FIRST = /[a-z*]/
const KEY_CHAR = /[a-z0-9_.*-]/
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/
const TOKEN_FIRST = /[A-Za-z*]/
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/
const DIGIT = /[0-9]/
const MAX_INTEGER_DIGITS = 15

/** The input_string of RFC 8941 §4.2 with a cursor; `peek` is '' at the end. */
class Input {
  readonly text: string
  pos = 0
  constructor(text: string) {
    this.text = text
  }
  get done(): boolean {
    return this.pos >= this.text.length
  }
  peek(): string {
    return this.text.charAt(this.pos)
  }
  next(): string {
    return this.text.charAt(this.pos++)
  }
  skip(chars: string): void {
    while (!this.done && chars.includes(this.peek())) this.pos++
  }
}

// RFC 8941 §4.2.3.3
function parseKey(input: Input): string {
  if (!KEY_FIRST.test(input.peek())) fail('key must start with a lowercase letter or *')
  const start = input.pos
  while (KEY_CHAR.test(input.peek())) input.pos++
  return input.text.slice(start, input.pos)
}

// RFC 8941 §4.2.4, Integers only: at most 15 digits; a Decimal is outside the subset.
function parseInteger(input: Input): number {
  const sign = input.peek() === '-' ? -1 : 1
  if (sign === -1) input.pos++
  const start = input.pos
  while (DIGIT.test(input.peek())) input.pos++
  const digits = input.text.slice(start, input.pos)
  if (digits.length === 0) fail('integer without digits')
  if (digits.length > MAX_INTEGER_DIGITS) fail('integer longer than 15 digits')
  if (input.peek() === '.') fail('decimals are not supported')
  return sign * Number(digits)
}

// RFC 8941 §4.2.5: printable ASCII; backslash escapes only DQUOTE and backslash.
function parseString(input: Input): string {
  input.pos++
  let out = ''
  for (;;) {
    if (input.done) fail('unterminated string')
    const c = input.next()
    if (c === '"') return out
    if (c === '\\') {
      const escaped = input.next()
      if (escaped !== '"' && escaped !== '\\') fail('bad escape in string')
      out += escaped
    } else {
      const code = c.charCodeAt(0)
      if (code < 0x20 || code > 0x7e) fail('string character outside printable ASCII')
      out += c
    }
  }
}

// RFC 8941 §4.2.6
function parseToken(input: Input): Token {
  const start = input.pos
  input.pos++
  while (TOKEN_CHAR.test(input.peek())) input.pos++
  return new Token(input.text.slice(start, input.pos))
}

// RFC 8941 §4.2.8
function parseBoolean(input: Input): boolean {
  input.pos++
  const c = input.next()
  if (c !== '0' && c !== '1') fail('boolean must be ?0 or ?1')
  return c === '1'
}

// RFC 8941 §4.2.3.1, restricted to the bare item types parameters may take here.
function parseBareItem(input: Input): BareItem {
  const c = input.peek()
  if (c === '-' || DIGIT.test(c)) return parseInteger(input)
  if (c === '"') return parseString(input)
  if (c === '?') return parseBoolean(input)
  if (TOKEN_FIRST.test(c)) return parseToken(input)
  return fail('unsupported or missing parameter value')
}

// RFC 8941 §4.2.3.2
function parseParameters(input: Input): Parameters {
  const params: Parameters = new Map()
  while (input.peek() === ';') {
    input.pos++
    input.skip(' ')
    const key = parseKey(input)
    let value: BareItem = true
    if (input.peek() === '=') {
      input.pos++
      value = parseBareItem(input)
    }
    params.set(key, value)
  }
  return params
}

// RFC 8941 §4.2.1.2, with every member an Item whose bare item is a String.
function parseInnerList(input: Input): InnerList {
  if (input.next() !== '(') fail('member is not an inner list')
  const items: StringItem[] = []
  for (;;) {
    input.skip(' ')
    if (input.done) fail('unterminated inner list')
    if (input.peek() === ')') {
      input.pos++
      return { items, params: parseParameters(input) }
    }
    if (input.peek() !== '"') fail('inner list member is not a string')
    items.push({ value: parseString(input), params: parseParameters(input) })
    if (input.peek() !== ' ' && input.peek() !== ')') fail('inner list members need SP between')
  }
}

// RFC 8941 §4.2.7 (an Item whose bare item is a Byte Sequence; its parameters are not used).
function parseByteSequenceItem(input: Input): Uint8Array {
  if (input.next() !== ':') fail('member is not a byte sequence')
  const end = input.text.indexOf(':', input.pos)
  if (end === -1) fail('unterminated byte sequence')
  const bytes = decodeBase64(input.text.slice(input.pos, end))
  if (bytes === undefined) fail('byte sequence is not base64')
  input.pos = end + 1
  parseParameters(input)
  return bytes
}

// RFC 8941 §4.2 (top level) and §4.2.2 (Dictionary); members without "=" are outside the subset.
function parseDictionary<T>(text: string, parseMember: (input: Input) => T): Map<string, T> {
  const input = new Input(text)
  const dictionary = new Map<string, T>()
  input.skip(' ')
  while (!input.done) {
    const key = parseKey(input)
    if (input.next() !== '=') fail(`member ${key} has no value`)
    dictionary.set(key, parseMember(input))
    input.skip(' \t')
    if (input.done) break
    if (input.next() !== ',') fail('trailing characters after a member')
    input.skip(' \t')
    if (input.done) fail('trailing comma')
  }
  return dictionary
}

/** Parses a Signature-Input style field value (RFC 9421 §4.1). */
export function parseInnerListDictionary(text: string): Map<string, InnerList> {
  return parseDictionary(text, parseInnerList)
}

/** Parses a Signature or Content-Digest style field value (RFC 9421 §4.2, RFC 9530 §2). */
export function parseByteSequenceDictionary(text: string): Map<string, Uint8Array> {
  return parseDictionary(text, parseByteSequenceItem)
}

// RFC 8941 §4.1.1.3
function serializeKey(key: string): string {
  if (!KEY.test(key)) fail(`cannot serialize key ${JSON.stringify(key)}`)
  return key
}

// RFC 8941 §4.1.6
function serializeString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) fail('cannot serialize a string outside printable ASCII')
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c)}"`
}

// RFC 8941 §4.1.3.1 (Integer), §4.1.6, §4.1.7 (Token), §4.1.9 (Boolean)
function serializeBareItem(value: BareItem): string {
  if (typeof value === 'boolean') return value ? '?1' : '?0'
  if (typeof value === 'string') return serializeString(value)
  if (value instanceof Token) {
    if (!TOKEN.test(value.value)) fail('cannot serialize token')
    return value.value
  }
  if (!Number.isInteger(value) || Math.abs(value) >= 10 ** MAX_INTEGER_DIGITS) {
    fail('cannot serialize a non-integer or an integer longer than 15 digits')
  }
  return String(value)
}

// RFC 8941 §4.1.1.2: a true Boolean is written as the bare key.
function serializeParameters(params: Parameters): string {
  let out = ''
  for (const [key, value] of params) {
    out += ';' + serializeKey(key) + (value === true ? '' : '=' + serializeBareItem(value))
  }
  return out
}

/** RFC 8941 §4.1.3; also a component identifier in the signature base (RFC 9421 §2.5). */
export function serializeStringItem(item: StringItem): string {
  return serializeString(item.value) + serializeParameters(item.params)
}

/** RFC 8941 §4.1.1.1; also the value of "@signature-params" (RFC 9421 §2.3). */
export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeStringItem).join(' ')})${serializeParameters(list.params)}`
}

// RFC 8941 §4.1.2
function serializeDictionary<T>(dictionary: Map<string, T>, member: (value: T) => string): string {
  return [...dictionary].map(([key, value]) => serializeKey(key) + '=' + member(value)).join(', ')
}

export function serializeInnerListDictionary(dictionary: Map<string, InnerList>): string {
  return serializeDictionary(dictionary, serializeInnerList)
}

// RFC 8941 §4.1.8
export function serializeByteSequenceDictionary(dictionary: Map<string, Uint8Array>): string {
  return serializeDictionary(dictionary, (bytes) => `:${encodeBase64(bytes)}:`)
}
