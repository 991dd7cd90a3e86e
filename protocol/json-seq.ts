/**
 * Packed plaintexts (spec §7.10): several JSON-RPC objects in one Noise transport message, as a
 * JSON text sequence (RFC 7464 §2): each element is RS (0x1E) ‖ UTF-8 JSON text ‖ LF (0x0A).
 *
 * A §7.6 plaintext is one JSON text, which never begins with RS (RFC 8259 §2 allows only space,
 * tab, LF and CR before a value), so the first byte tells the two apart; and RS never occurs
 * inside a JSON text (RFC 8259 §7 escapes control characters in strings), so splitting at every
 * RS byte finds the elements without parsing them. Splitting works on bytes, before any UTF-8
 * decoding, so an element that is not UTF-8 stays one element and fails on its own.
 */
import { SIZES } from './registry.ts'

/** RFC 7464 §2: the record separator that begins each element, and the LF that ends it. */
const RS = 0x1e
const LF = 0x0a
/** What packing adds to each element's JSON text. */
const ELEMENT_OVERHEAD = 2

/** True when `plaintext` is a packed plaintext (its first byte is RS), not one JSON text. */
export function isPacked(plaintext: Uint8Array): boolean {
  return plaintext[0] === RS
}

/** The index of the first `value` byte in `bytes` at or after `from`, or -1. */
export type ByteSearch = (bytes: Uint8Array, value: number, from: number) => number

/** The standard search, what a browser uses. */
export const typedArraySearch: ByteSearch = (bytes, value, from) => bytes.indexOf(value, from)

/**
 * On Node, Buffer's indexOf (memchr; it takes any Uint8Array), because V8's TypedArray indexOf
 * is far slower there: finding the three RS of a 48 KiB packed plaintext (three 16 KiB echoes)
 * took 34 µs against 0.9 µs on Node 20, about 11 µs per message on each side. Browsers have no
 * Buffer and keep the standard method; both give the same indexes (json-seq.test.ts).
 */
type BufferIndexOf = (this: Uint8Array, value: number, from: number) => number
const nodeIndexOf = (globalThis as { Buffer?: { prototype: { indexOf: BufferIndexOf } } }).Buffer?.prototype.indexOf
export const fastestSearch: ByteSearch =
  nodeIndexOf === undefined ? typedArraySearch : (bytes, value, from) => nodeIndexOf.call(bytes, value, from)

/**
 * The elements of a packed plaintext, in order, as views into it: the bytes after each RS up to
 * the next RS or the end (the LF stays; JSON parsers take it as whitespace). Empty elements (two
 * RS in a row, RFC 7464 §2.1) are no elements.
 */
export function splitPacked(plaintext: Uint8Array, search: ByteSearch = fastestSearch): Uint8Array[] {
  const elements: Uint8Array[] = []
  let start = search(plaintext, RS, 0) + 1
  while (start > 0) {
    const next = search(plaintext, RS, start)
    const end = next < 0 ? plaintext.length : next
    if (end > start) elements.push(plaintext.subarray(start, end))
    start = next + 1
  }
  return elements
}

/** One packed plaintext holding `texts` (UTF-8 JSON texts, none containing RS), in order. */
export function packTexts(texts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const text of texts) length += text.length + ELEMENT_OVERHEAD
  const packed = new Uint8Array(length)
  let at = 0
  for (const text of texts) {
    packed[at++] = RS
    packed.set(text, at)
    at += text.length
    packed[at++] = LF
  }
  return packed
}

/**
 * The plaintexts that carry `texts` in order, as few as §7.10 allows: each at most
 * `maxPlaintext` bytes (the receiver's max_frame − 16, §7.5) and `maxElements` elements
 * (pw-sess-7.10-at-most-64; only a fault switch of the reference device passes more). A text
 * alone in its plaintext is sent as itself (§7.6), not packed, so a lone message costs nothing
 * extra; so is a text too long to be packed with anything, which the caller has already checked
 * fits `maxPlaintext` on its own.
 */
export function packPlaintexts(
  texts: readonly Uint8Array[],
  maxPlaintext: number,
  maxElements: number = SIZES.jsonSeqMaxElements,
): Uint8Array[] {
  const plaintexts: Uint8Array[] = []
  let group: Uint8Array[] = []
  let groupBytes = 0
  const flush = () => {
    if (group.length === 1) plaintexts.push(group[0]!)
    else if (group.length > 1) plaintexts.push(packTexts(group))
    group = []
    groupBytes = 0
  }
  for (const text of texts) {
    const bytes = text.length + ELEMENT_OVERHEAD
    if (group.length === maxElements || groupBytes + bytes > maxPlaintext) flush()
    group.push(text)
    groupBytes += bytes
  }
  flush()
  return plaintexts
}

/**
 * The sender's side of §7.10: collects the plaintexts one run of the application sends and,
 * when `schedule` runs the flush (after that run's microtasks: queueMicrotask on a client,
 * process.nextTick on a device), hands them to `seal` packed into as few plaintexts as
 * packPlaintexts allows, in order. Whether sealing is still allowed (the session may have ended
 * meanwhile) is `seal`'s to decide, for each plaintext.
 */
export class TurnPacker {
  readonly #schedule: (flush: () => void) => void
  readonly #maxPlaintext: number
  readonly #seal: (plaintext: Uint8Array) => void
  readonly #maxElements: number
  #unsent: Uint8Array[] = []
  // One function for every turn, so scheduling a flush allocates nothing.
  readonly #flush = () => {
    const unsent = this.#unsent
    this.#unsent = []
    for (const plaintext of packPlaintexts(unsent, this.#maxPlaintext, this.#maxElements)) this.#seal(plaintext)
  }

  /** `maxPlaintext`: the receiver's max_frame − 16 (§7.5); `maxElements` as packPlaintexts. */
  constructor(
    schedule: (flush: () => void) => void,
    maxPlaintext: number,
    seal: (plaintext: Uint8Array) => void,
    maxElements: number = SIZES.jsonSeqMaxElements,
  ) {
    this.#schedule = schedule
    this.#maxPlaintext = maxPlaintext
    this.#seal = seal
    this.#maxElements = maxElements
  }

  /** Adds one JSON text (no longer than maxPlaintext) to this run's plaintexts. */
  add(text: Uint8Array): void {
    if (this.#unsent.push(text) === 1) this.#schedule(this.#flush)
  }
}
