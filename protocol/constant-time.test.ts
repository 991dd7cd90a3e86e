// Checks spec requirements: pw-sec-13.11-constant-time
/**
 * Spec §13.11: cA, cB and hmac-sha256 signatures are compared with their expected values in
 * constant time. A unit test cannot measure timing reliably, so this checks what makes it hold:
 * - constantTimeEqual (encoding.ts) agrees with plain equality and its loop never exits early;
 * - the two verifiers, verifyConfirmation (cA, cB; spake2/key-schedule.ts) and
 *   verifySignatureBase (hmac-sha256; httpsig/algorithms.ts), compare through it and through
 *   nothing else, over the whole MAC: a change of any bit, a cut or an extra byte fails;
 * - no other code of protocol/, reference-server/ or reference-client/ computes such a MAC: every
 *   call of confirmationMac and hmacSha256 is one of the inventory below, which names its
 *   purpose, and none is an operand of ==, !=, === or !==.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import t from 'tap'
import { availableBackends } from './crypto/index.ts'
import { constantTimeEqual, utf8Encode } from './encoding.ts'
import { signSignatureBase, verifySignatureBase } from './httpsig/index.ts'
import { confirmationMac, verifyConfirmation } from './spake2/index.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SCANNED = ['protocol', 'reference-server', 'reference-client']

/** Every call of a MAC function outside the tests, by file: how many, and what for. */
const MAC_CALLS: Record<string, [calls: number, purpose: string]> = {
  'protocol/spake2/key-schedule.ts': [2, 'HMAC(Kc, TT) in confirmationMac; verifyConfirmation'],
  'protocol/spake2/pairing.ts': [2, 'cA and cB to send'],
  'protocol/httpsig/algorithms.ts': [2, 'an hmac-sha256 signature; its verification'],
  'protocol/noise/symmetric-state.ts': [2, 'Noise HKDF (Noise §4.3), compared with nothing'],
  'reference-server/http/pairing-endpoints.ts': [1, 'cB sent under fault reveal-cb-before-ca'],
  'reference-server/http/signed.ts': [1, 'prefix compare (constant-time) under fault compare-sent-signature-length'],
  'reference-client/zaparoo.ts': [2, 'zaparoo-v1 confirmation to send; the expected one, compared with timingSafeEqual'],
  'protocol/relay.ts': [1, 'the relay source tag (§15.4), an address pseudonym compared with nothing'],
}
const MAC = '(?:confirmationMac|hmacSha256)'
// A call, not the definition `function confirmationMac(`.
const MAC_CALL = new RegExp(`(?<!function )\\b${MAC}\\(`, 'g')
// A MAC call right after a comparison operator, or a call (one nested call allowed) right before.
const COMPARED_CALL = new RegExp(
  `(?:===?|!==?)\\s*[\\w.]*${MAC}\\(|${MAC}\\([^()]*(?:\\([^()]*\\))?[^()]*\\)\\s*(?:===?|!==?)`,
)

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : []
  })
}

/** The source text of the exported function `name` in `file`, up to its closing brace. */
function functionSource(file: string, name: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const match = new RegExp(`export function ${name}\\([\\s\\S]*?\\n}`).exec(text)
  if (match === null) throw new Error(`${name} not found in ${file}`)
  return match[0]
}

t.test('constantTimeEqual is plain equality and its loop has no early exit', async (t) => {
  const bytes = fc.uint8Array({ maxLength: 40 })
  const plainEqual = (a: Uint8Array, b: Uint8Array) =>
    a.length === b.length && a.every((x, i) => x === b[i])
  const agrees = fc.property(bytes, bytes, (a, b) => constantTimeEqual(a, b) === plainEqual(a, b))
  fc.assert(agrees, { numRuns: 200 })
  const nonEmpty = bytes.filter((a) => a.length > 0)
  const change = fc.tuple(nonEmpty, fc.nat(), fc.integer({ min: 1, max: 255 }))
  fc.assert(fc.property(change, ([a, at, x]) => {
    const b = a.slice()
    b[at % a.length] = b[at % a.length]! ^ x
    return !constantTimeEqual(a, b) && constantTimeEqual(a, a.slice())
  }), { numRuns: 200 })
  const source = functionSource('protocol/encoding.ts', 'constantTimeEqual')
  const loop = source.slice(source.indexOf('for ('))
  t.match(loop, /diff \|= a\[i\]! \^ b\[i\]!/, 'the loop accumulates every difference')
  const loopLine = loop.slice(0, loop.indexOf('\n'))
  t.notMatch(loopLine, /return|break/, 'and never leaves early')
  t.equal(source.match(/return /g)?.length, 2, 'returns only for unequal lengths and at the end')
})

for (const backend of await availableBackends()) {
  t.test(`${backend.name}: the verifiers reject any change to any bit of the MAC`, async (t) => {
    const Kc = backend.randomBytes(16)
    const TT = backend.randomBytes(100)
    const key = backend.randomBytes(32)
    const base = utf8Encode('"@method": POST')
    const verifiers: [string, Uint8Array, (mac: Uint8Array) => void][] = [
      ['cA/cB', confirmationMac(Kc, TT, backend),
        (mac) => verifyConfirmation(Kc, TT, mac, backend)],
      ['hmac-sha256', signSignatureBase('hmac-sha256', key, base, backend),
        (mac) => verifySignatureBase('hmac-sha256', key, base, mac, backend)],
    ]
    for (const [name, mac, verify] of verifiers) {
      t.doesNotThrow(() => verify(mac), `${name}: the right MAC verifies`)
      let rejected = 0
      for (let bit = 0; bit < mac.length * 8; bit++) {
        const changed = mac.slice()
        changed[bit >> 3] = changed[bit >> 3]! ^ (1 << (bit & 7))
        try {
          verify(changed)
        } catch {
          rejected++
        }
      }
      t.equal(rejected, mac.length * 8, `${name}: all ${mac.length * 8} one-bit changes fail`)
      t.throws(() => verify(mac.subarray(0, mac.length - 1)), `${name}: a cut MAC fails`)
      t.throws(() => verify(Uint8Array.of(...mac, 0)), `${name}: a longer MAC fails`)
    }
  })
}

t.test('the verifiers compare through constantTimeEqual and nothing else', async (t) => {
  const checks: [string, string, RegExp][] = [
    ['protocol/spake2/key-schedule.ts', 'verifyConfirmation',
      /constantTimeEqual\(confirmationMac\(Kc, TT, backend\), mac\)/],
    ['protocol/httpsig/algorithms.ts', 'verifySignatureBase',
      /constantTimeEqual\(backend\.hmacSha256\(hmacSecret\(key\), base\), signature\)/],
  ]
  const compared = /\b(?:mac|signature)\b\s*(?:===?|!==?)|(?:===?|!==?)\s*\b(?:mac|signature)\b/
  for (const [file, name, comparison] of checks) {
    const source = functionSource(file, name)
    t.match(source, comparison, `${name}: the MAC goes through constantTimeEqual`)
    t.notMatch(source, compared, `${name}: no == on it`)
    const ownLoop = /\.(?:every|some|equals|compare)\(|\bfor \(|\bwhile \(/
    t.notMatch(source, ownLoop, `${name}: no loop of its own`)
  }
})

t.test('every MAC computed is accounted for, and none is compared with ==', async (t) => {
  const found: Record<string, number> = {}
  for (const file of SCANNED.flatMap((dir) => sources(join(ROOT, dir)))) {
    const text = readFileSync(file, 'utf8')
    const name = relative(ROOT, file)
    const calls = text.match(MAC_CALL)?.length ?? 0
    // The interface declares hmacSha256(key, data); it computes nothing.
    if (name === 'protocol/crypto/backend.ts') continue
    if (calls > 0) found[name] = calls
    t.notMatch(text, COMPARED_CALL, `${name}: no MAC is an operand of ==`)
  }
  const expected = Object.fromEntries(Object.entries(MAC_CALLS).map(([file, [n]]) => [file, n]))
  t.same(found, expected, 'the inventory of MAC calls')
  const comparisons = ['hmacSha256(k, d) === sig', 'sig !== backend.hmacSha256(k, d)',
    'confirmationMac(Kc, TT, backend) == mac', 'if (mac != confirmationMac(f(Kc), TT))']
  for (const compare of comparisons) {
    t.match(compare, COMPARED_CALL, `the scan would see: ${compare}`)
  }
})
