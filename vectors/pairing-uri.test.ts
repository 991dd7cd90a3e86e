/**
 * Re-verifies vectors/pairing-uri.json against protocol/pairing-uri.ts (spec §5.11): every valid
 * URI parses to its url, device_id and pin, formats back to `formatted`, and `formatted` parses to
 * the same values; every invalid URI is refused with the failure the vector names.
 * Checks spec requirements: pw-pair-5.11-uri-syntax, pw-pair-5.11-uri-url, pw-pair-5.11-uri-format
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { formatPairingUri, isPairingUriError, parsePairingUri } from '../protocol/pairing-uri.ts'
import type { PairingUriVectorFile } from '../schemas/src/vectors.ts'

const file = JSON.parse(
  readFileSync(new URL('./pairing-uri.json', import.meta.url), 'utf8'),
) as PairingUriVectorFile

for (const group of file.testGroups) {
  for (const test of group.tests) {
    t.test(`tcId ${test.tcId}: ${test.comment}`, async (t) => {
      if (test.result === 'valid') {
        const parsed = parsePairingUri(test.uri)
        t.same(parsed, { url: test.url, deviceId: test.device_id, pin: test.pin })
        t.equal(formatPairingUri(parsed), test.formatted)
        t.same(parsePairingUri(test.formatted), parsed, 'the formatted form reads the same')
        return
      }
      let failure: string | null = null
      try {
        parsePairingUri(test.uri)
      } catch (e) {
        failure = isPairingUriError(e) ? e.failure : String(e)
      }
      t.equal(failure, test.failure)
    })
  }
}

t.test('the file has valid and invalid tests for every failure', async (t) => {
  const tests = file.testGroups.flatMap((g) => g.tests)
  const failures = new Set(tests.flatMap((x) => (x.result === 'invalid' ? [x.failure] : [])))
  t.same([...failures].sort(), ['device-id', 'percent-encoding', 'pin', 'scheme', 'syntax', 'url'])
  t.ok(tests.some((x) => x.result === 'valid' && x.pin === null))
})

t.test('formatting refuses values no URI may carry', async (t) => {
  const deviceId = file.testGroups[0]!.tests.find((x) => x.result === 'valid')!.device_id as string
  t.throws(() => formatPairingUri({ url: 'http://a.example/', deviceId, pin: null }), /origin/)
  t.throws(() => formatPairingUri({ url: 'http://a.example', deviceId: 'pwd_x', pin: null }), /device_id/)
  t.throws(() => formatPairingUri({ url: 'http://a.example', deviceId, pin: '12345' }), /six digits/)
})
