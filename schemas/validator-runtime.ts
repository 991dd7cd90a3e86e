/**
 * What validators need at run time, without ajv: the two helpers ajv's standalone code calls
 * (ajv/dist/runtime/ucs2length and ajv/dist/runtime/equal, same results for JSON values), so that
 * schemas/message-validators.ts imports nothing from ajv and the browser bundle carries no ajv and
 * no TypeBox (issue 19); and the validator types and error text shared by build-time
 * (schemas/validate.ts) and run-time (schemas/compile.ts) validators.
 */

export interface Validator {
  (value: unknown): boolean
  /** A one-line description of the first failure of the last call (allErrors is off). */
  readonly explain: () => string
}

/** The members of an ajv error object this module reads. */
export interface ValidationError {
  readonly instancePath: string
  readonly keyword: string
  readonly params: Readonly<Record<string, unknown>>
  readonly message?: string | undefined
}

/** A function of ajv standalone code: returns the verdict, leaves the errors on itself. */
export interface StandaloneValidator {
  (value: unknown): boolean
  errors?: readonly ValidationError[] | null
}

// ajv's errorsText omits which member was unknown, the most common failure; name it.
export function describeErrors(
  name: string,
  errors: readonly ValidationError[] | null | undefined,
): string {
  return (errors ?? [])
    .map((e) => {
      const member =
        e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''
      return `${name}${e.instancePath} ${e.message ?? e.keyword}${member}`
    })
    .join('; ')
}


/** String length in Unicode code points, as JSON Schema's minLength/maxLength count it. */
export function ucs2length(str: string): number {
  // A high surrogate followed by a low one is one code point (ajv's algorithm, from punycode.js).
  let length = 0
  for (let pos = 0; pos < str.length; length++) {
    const unit = str.charCodeAt(pos++)
    if (unit >= 0xd800 && unit <= 0xdbff && pos < str.length) {
      if ((str.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++
    }
  }
  return length
}

/** Deep equality of parsed JSON values (uniqueItems, const and enum of objects or arrays). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a !== a && b !== b // NaN equals NaN, as in fast-deep-equal
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => equal(item, b[i]))
  }
  const keysA = Object.keys(a)
  const recordB = b as Record<string, unknown>
  if (keysA.length !== Object.keys(b).length) return false
  return keysA.every(
    (k) => Object.hasOwn(recordB, k) && equal((a as Record<string, unknown>)[k], recordB[k]),
  )
}
