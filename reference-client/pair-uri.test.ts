// Checks spec requirements: pw-pair-5.11-client-pins-device
/**
 * Pairing from a `pairwire:` URI (spec §5.11): the client pins the device_id the URI names and
 * refuses, before pair/start, a device whose key has another fingerprint; the URI's PIN is used
 * unless the caller gives one; a malformed URI is a usage error naming the rule.
 */
import t from 'tap'
import { formatPairingUri } from '../protocol/pairing-uri.ts'
import { PATHS } from '../protocol/registry.ts'
import { parseCommand } from './cli-args.ts'
import { ClientError } from './errors.ts'
import { pairFromUri } from './pair.ts'
import type { FetchFunction } from './platform.ts'
import { FAKE_PIN, startFakeDevice } from './test-fixture.ts'

async function refusal(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ClientError) return error
    throw error
  }
  throw new Error('expected a ClientError')
}

/** fetch that records the paths it was asked for. */
function recordingFetch(paths: string[]): FetchFunction {
  return (url, init) => {
    paths.push(new URL(url).pathname)
    return fetch(url, init)
  }
}

t.test('a URI naming another device_id is refused before pair/start', async (t) => {
  const fake = await startFakeDevice()
  t.teardown(() => fake.close())
  const other = 'pwd_' + 'A'.repeat(22)
  t.not(other, fake.deviceId)
  const paths: string[] = []
  const uri = formatPairingUri({ url: fake.url, deviceId: other, pin: FAKE_PIN })
  const error = await refusal(pairFromUri({ uri, name: 'pinned', fetch: recordingFetch(paths) }))
  t.equal(error.kind, 'device-verification')
  t.equal(error.what, 'pinned-device-id')
  t.same(paths, [PATHS.discovery], 'only discovery was asked: no share reached the device')
  t.equal(fake.clients.size, 0)
})

t.test('the right URI pairs, with its own PIN or the one given', async (t) => {
  const fake = await startFakeDevice()
  t.teardown(() => fake.close())
  const withPin = formatPairingUri({ url: fake.url, deviceId: fake.deviceId, pin: FAKE_PIN })
  const credentials = await pairFromUri({ uri: withPin, name: 'from uri' })
  t.equal(credentials.device_id, fake.deviceId)
  t.equal(credentials.url, fake.url)
  const withoutPin = formatPairingUri({ url: fake.url, deviceId: fake.deviceId, pin: null })
  const again = await pairFromUri({ uri: withoutPin, pin: FAKE_PIN, name: 'pin given' })
  t.equal(again.device_id, fake.deviceId)
  const noPin = await refusal(pairFromUri({ uri: withoutPin, name: 'no pin' }))
  t.equal(noPin.kind, 'usage')
  t.match(noPin.message, /carries no PIN/)
  const wrongPin = formatPairingUri({ url: fake.url, deviceId: fake.deviceId, pin: '000000' })
  const given = await pairFromUri({ uri: wrongPin, pin: FAKE_PIN, name: 'given wins' })
  t.equal(given.device_id, fake.deviceId, 'a PIN given by the caller replaces the URI one')
})

t.test('a malformed URI is a usage error naming what is wrong', async (t) => {
  const error = await refusal(pairFromUri({ uri: 'pairwire:pwd_x?url=http%3A%2F%2Fa', name: 'x' }))
  t.equal(error.kind, 'usage')
  t.match(error.message, /device_id/)
})

t.test('pair --uri on the command line', async (t) => {
  const id = 'pwd_' + 'A'.repeat(22)
  const uri = formatPairingUri({ url: 'http://127.0.0.1:8080', deviceId: id, pin: '482913' })
  t.match(parseCommand(['pair', '--uri', uri]), {
    name: 'pair',
    url: 'http://127.0.0.1:8080',
    pin: '482913',
    deviceId: id,
  })
  t.match(parseCommand(['pair', '--uri', uri, '--pin', '111222']), { pin: '111222' })
  t.throws(() => parseCommand(['pair', '--uri', uri, '--url', 'http://x']), /drop --url/)
  t.throws(() => parseCommand(['pair', '--uri', 'http://x']), /scheme/)
  const bare = formatPairingUri({ url: 'http://127.0.0.1:8080', deviceId: id, pin: null })
  t.throws(() => parseCommand(['pair', '--uri', bare]), /add --pin/)
})
