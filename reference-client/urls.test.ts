// Checks spec requirements: pw-sess-7.1-url
/**
 * The client's URLs (spec §7.1, §8.4): the session URL has the scheme ws for an http device URL
 * and wss for an https one, the path /pairwire/v1/ws and the ticket, unencoded, as the one query
 * parameter `ticket`; a device URL is reduced to its origin, lowercased, without a default port.
 */
import fc from 'fast-check'
import t from 'tap'
import { base64urlEncode } from '../protocol/encoding.ts'
import { PATHS, SIZES } from '../protocol/registry.ts'
import { deviceOrigin, endpoint, websocketUrl } from './urls.ts'

const ticket = fc.uint8Array({ minLength: SIZES.ticket, maxLength: SIZES.ticket }).map(base64urlEncode)

t.test('the session URL: ws for http, wss for https, the session path, ?ticket=', async (t) => {
  const origins: [device: string, session: string][] = [
    ['http://127.0.0.1:8080', 'ws://127.0.0.1:8080'],
    ['http://device.example', 'ws://device.example'],
    ['https://device.example', 'wss://device.example'],
    ['https://device.example:8443', 'wss://device.example:8443'],
    ['http://[::1]:8080', 'ws://[::1]:8080'],
  ]
  fc.assert(fc.property(fc.constantFrom(...origins), ticket, ([device, session], value) => {
    const url = websocketUrl(device, value)
    const parsed = new URL(url)
    return url === `${session}${PATHS.websocket}?ticket=${value}` &&
      parsed.searchParams.getAll('ticket').join() === value && [...parsed.searchParams].length === 1
  }), { numRuns: 100 })
  t.pass('100 tickets over 5 device URLs')
})

t.test('a device URL is reduced to its normalised origin; endpoints hang below it', async (t) => {
  t.equal(deviceOrigin('HTTP://Device.EXAMPLE:80/some/path?x=1'), 'http://device.example')
  t.equal(deviceOrigin('https://device.example:443'), 'https://device.example')
  t.equal(deviceOrigin('https://device.example:8443/'), 'https://device.example:8443')
  t.equal(endpoint('https://device.example', PATHS.rpc), `https://device.example${PATHS.rpc}`)
  t.throws(() => deviceOrigin('ws://device.example'), { kind: 'usage', message: /http/ })
  t.throws(() => deviceOrigin('not a url'), { kind: 'usage', message: /URL/ })
})
