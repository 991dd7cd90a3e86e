// Checks spec requirements: pw-pair-5.2-no-trivial-pin, pw-pair-5.2-uniform-pin
/**
 * PIN rules (spec §5): six ASCII digits, the 20 trivial PINs refused, and a generator that is
 * uniform over the rest by rejection sampling.
 */
import t from 'tap'
import { availableBackends, nobleBackend, type CryptoBackend } from '../crypto/index.ts'
import { generatePin, isPinSyntax, isTrivialPin, validatePin } from './pin.ts'

const INVALID_PIN = { name: 'ProtocolError', code: 'invalid-pin' }

const TRIVIAL = [
  '000000', '111111', '222222', '333333', '444444', '555555', '666666', '777777', '888888',
  '999999', '012345', '123456', '234567', '345678', '456789', '987654', '876543', '765432',
  '654321', '543210',
]

/** A backend whose randomBytes returns the given 32-bit big-endian draws in order. */
function scriptedBackend(draws: number[]): CryptoBackend {
  const queue = [...draws]
  return {
    ...nobleBackend,
    randomBytes(length: number): Uint8Array {
      const bytes = new Uint8Array(length)
      new DataView(bytes.buffer).setUint32(0, queue.shift()!)
      return bytes
    },
  }
}

t.test('exactly the 20 listed PINs are trivial', async (t) => {
  const trivial: string[] = []
  for (let v = 0; v < 1_000_000; v++) {
    const pin = String(v).padStart(6, '0')
    if (isTrivialPin(pin)) trivial.push(pin)
  }
  t.same(trivial.sort(), [...TRIVIAL].sort())
  for (const wrapping of ['890123', '789012', '901234', '210987', '109876', '112233', '121212']) {
    t.notOk(isTrivialPin(wrapping), `${wrapping} is not trivial (no wrap-around, no pairs)`)
  }
})

t.test('validatePin accepts six ASCII digits that are not trivial', async (t) => {
  for (const pin of ['000001', '492817', '890123', '999998', '012346']) {
    t.equal(validatePin(pin), pin)
  }
})

t.test('validatePin rejects everything else with invalid-pin', async (t) => {
  const syntax = { ...INVALID_PIN, detail: 'PIN must be six ASCII digits' }
  const malformed: unknown[] = [
    '', '12345', '1234567', '12a456', 'abcdef', '١٢٣٤٥٦', '１２３４５６', '12345 ', ' 12345',
    '123456\n', '+12345', '-12345', '1e5000', 123456, 492817n, null, undefined, ['4', '9'],
    { pin: '492817' },
  ]
  for (const pin of malformed) {
    t.throws(() => validatePin(pin), syntax, `malformed ${JSON.stringify(String(pin))}`)
    t.notOk(isPinSyntax(pin))
  }
  for (const pin of TRIVIAL) {
    t.throws(() => validatePin(pin), { ...INVALID_PIN, detail: 'PIN is trivial' }, pin)
    t.ok(isPinSyntax(pin), `${pin} has the right syntax`)
  }
})

t.test('generatePin gives six digits, never trivial, under every backend', async (t) => {
  for (const backend of await availableBackends()) {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const pin = generatePin(backend)
      if (!isPinSyntax(pin) || isTrivialPin(pin)) t.fail(`${backend.name} produced ${pin}`)
      seen.add(pin)
    }
    t.ok(seen.size > 1990, `${backend.name}: 2000 draws are (almost) all distinct`)
  }
  t.doesNotThrow(() => validatePin(generatePin()), 'the default backend works too')
})

t.test('generatePin rejects biased draws and trivial PINs, then keeps the next draw', async (t) => {
  const limit = Math.floor(2 ** 32 / 1_000_000) * 1_000_000
  const backend = scriptedBackend([0xffffffff, limit, 123456, 3_000_000, limit - 1, limit - 2, 42])
  // 0xffffffff and 2^32 rounded down to a multiple of 10^6 are rejected (they would bias the low
  // PINs); 123456, 3_000_000 (000000) and limit - 1 (999999) are trivial; limit - 2 is kept.
  t.equal(generatePin(backend), '999998', 'the largest accepted draw')
  t.equal(generatePin(backend), '000042', 'leading zeros are kept')
})
