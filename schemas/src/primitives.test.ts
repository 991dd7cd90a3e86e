import fc from 'fast-check'
import t from 'tap'
import { base64urlDecode, base64urlEncode } from '../../protocol/encoding.ts'
import { isTrivialPin } from '../../protocol/spake2/pin.ts'
import { SIZES } from '../../protocol/registry.ts'
import { compileValidators } from '../compile.ts'
import {
  base64urlOfLength,
  ClientId,
  DeviceId,
  DisplayName,
  escapeRegExp,
  GeneratedPin,
  TRIVIAL_PINS,
} from './primitives.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
// ajv compiles JSON Schema patterns with the `u` flag (ECMA-262, JSON Schema 2020-12 §6.4).
const matches = (n: number, text: string): boolean =>
  new RegExp(base64urlOfLength(n), 'u').test(text)

function decodes(text: string, n: number): boolean {
  try {
    base64urlDecode(text, n)
    return true
  } catch {
    return false
  }
}

/** The same value with the lowest unused bit of its last character set (n mod 3 ≠ 0 only). */
function withUnusedBitSet(canonical: string): string {
  const last = ALPHABET.indexOf(canonical.at(-1)!)
  return canonical.slice(0, -1) + ALPHABET[last | 1]!
}

t.test('base64urlOfLength gives the documented patterns for the wire sizes', async (t) => {
  t.equal(base64urlOfLength(32), '^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$')
  t.equal(base64urlOfLength(16), '^[A-Za-z0-9_-]{21}[AQgw]$')
  t.equal(base64urlOfLength(65), '^[A-Za-z0-9_-]{86}[AEIMQUYcgkosw048]$')
  t.equal(base64urlOfLength(64), '^[A-Za-z0-9_-]{85}[AQgw]$')
  t.equal(base64urlOfLength(3), '^[A-Za-z0-9_-]{4}$')
  t.equal(base64urlOfLength(0), '^$')
  t.equal(base64urlOfLength(1), '^[A-Za-z0-9_-]{1}[AQgw]$')
  t.throws(() => base64urlOfLength(-1), RangeError)
  t.throws(() => base64urlOfLength(1.5), RangeError)
})

t.test('the canonical encoding of any value of 0..70 bytes matches its length', async (t) => {
  let count = 0
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
      count++
      return matches(bytes.length, base64urlEncode(bytes))
    }),
    { numRuns: 200 },
  )
  t.equal(count, 200)
})

t.test('setting an unused trailing bit fails both the pattern and the decoder', async (t) => {
  let checked = 0
  for (let n = 1; n <= 70; n++) {
    if (n % 3 === 0) continue
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff)
    const bad = withUnusedBitSet(base64urlEncode(bytes))
    t.notOk(decodes(bad, n), `decoder rejects ${n}-byte non-canonical`)
    t.notOk(matches(n, bad), `pattern rejects ${n}-byte non-canonical`)
    checked++
  }
  t.equal(checked, 47)
})

t.test('padded, standard-alphabet and wrong-length spellings do not match', async (t) => {
  for (const n of [SIZES.pairingKey, SIZES.idFingerprint, SIZES.p256UncompressedPoint, 64]) {
    const text = base64urlEncode(Uint8Array.from({ length: n }, (_, i) => 255 - i))
    t.ok(matches(n, text))
    t.notOk(matches(n, text + '='.repeat((4 - (text.length % 4)) % 4 || 1)), `${n}: padded`)
    t.notOk(matches(n, '+' + text.slice(1)), `${n}: '+'`)
    t.notOk(matches(n, text.slice(0, -1) + '/'), `${n}: '/'`)
    t.notOk(matches(n, text.slice(1)), `${n}: one char short`)
    t.notOk(matches(n, 'A' + text), `${n}: one char long`)
    t.notOk(matches(n, base64urlEncode(new Uint8Array(n - 1))), `${n}: n-1 bytes`)
    t.notOk(matches(n, base64urlEncode(new Uint8Array(n + 1))), `${n}: n+1 bytes`)
    t.notOk(matches(n, text + '\n'), `${n}: trailing newline`)
  }
})

t.test('the pattern accepts exactly what the strict decoder accepts', async (t) => {
  const unit = fc.constantFrom(...(ALPHABET + '=+/ .').split(''))
  // Lengths around ceil(4n/3), so both outcomes occur often.
  const candidate = fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: -1, max: 1 }))
    .chain(([n, delta]) => {
      const length = Math.max(0, Math.ceil((4 * n) / 3) + delta)
      return fc.tuple(fc.constant(n), fc.string({ unit, minLength: length, maxLength: length }))
    })
  const outcomes = { accepted: 0, rejected: 0 }
  fc.assert(
    fc.property(candidate, ([n, text]) => {
      const ok = matches(n, text)
      outcomes[ok ? 'accepted' : 'rejected']++
      return ok === decodes(text, n)
    }),
    { numRuns: 200 },
  )
  t.equal(outcomes.accepted + outcomes.rejected, 200)
  t.ok(outcomes.accepted > 0 && outcomes.rejected > 0, 'both outcomes were exercised')
})

t.test('escapeRegExp makes any text match only itself', async (t) => {
  for (const text of ['urn:pairwire:error:', 'pwd_', 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o']) {
    t.ok(new RegExp(`^${escapeRegExp(text)}$`, 'u').test(text))
    t.notOk(new RegExp(`^${escapeRegExp(text)}$`, 'u').test(text + 'x'))
  }
})

const v = compileValidators({
  'device-id': DeviceId,
  'client-id': ClientId,
  pin: GeneratedPin,
  name: DisplayName,
})
const check = (name: string, value: unknown): boolean => v.get(name)!(value)

t.test('ids: the right prefix and a canonical 16-byte fingerprint', async (t) => {
  const fingerprint = base64urlEncode(Uint8Array.from({ length: 16 }, (_, i) => i * 11))
  t.ok(check('device-id', 'pwd_' + fingerprint))
  t.ok(check('client-id', 'pwc_' + fingerprint))
  t.notOk(check('device-id', 'pwc_' + fingerprint), 'client prefix is not a device id')
  t.notOk(check('client-id', 'pwd_' + fingerprint), 'device prefix is not a client id')
  t.notOk(check('device-id', 'pwd_' + withUnusedBitSet(fingerprint)), 'non-canonical fingerprint')
  t.notOk(check('device-id', 'pwd_' + fingerprint.slice(1)), 'short fingerprint')
  t.notOk(check('device-id', 'PWD_' + fingerprint), 'prefix is case-sensitive')
  t.notOk(check('device-id', 'pwd_' + fingerprint + '=='), 'padded')
})

t.test('a generated PIN is six ASCII digits and never one of the 20 trivial PINs', async (t) => {
  t.equal(TRIVIAL_PINS.length, 20)
  t.equal(new Set(TRIVIAL_PINS).size, 20)
  let accepted = 0
  let mismatches = 0
  for (let i = 0; i < 10 ** SIZES.pin; i++) {
    const pin = String(i).padStart(SIZES.pin, '0')
    const ok = check('pin', pin)
    if (ok) accepted++
    if (ok === isTrivialPin(pin)) mismatches++
  }
  t.equal(mismatches, 0, 'schema rejects exactly the trivial PINs of protocol/spake2/pin.ts')
  t.equal(accepted, 10 ** SIZES.pin - 20)
  for (const bad of ['12345', '1234567', '12345a', ' 123456', '١٢٣٤٥٧', 192837]) {
    t.notOk(check('pin', bad), `rejects ${JSON.stringify(bad)}`)
  }
})

t.test('names are 1 to 64 Unicode code points', async (t) => {
  t.ok(check('name', 'a'))
  t.ok(check('name', 'x'.repeat(64)))
  t.ok(check('name', '🔑'.repeat(64)), '64 astral code points (128 UTF-16 units)')
  t.notOk(check('name', ''))
  t.notOk(check('name', 'x'.repeat(65)))
})
