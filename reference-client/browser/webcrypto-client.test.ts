/**
 * The client on its browser path, run here on Node's crypto.subtle: pairing, a ticket signed
 * with WebCrypto Ed25519, a Noise session whose e and DH come from WebCrypto X25519 and whose
 * frames are WebCrypto AES-GCM, against the reference device. Twenty calls issued at once all
 * come back right, so async sealing kept wire order = nonce order (spec §7.5). With a subtle that
 * has none of the primitives, the same calls run on noble.
 */
import { webcrypto } from 'node:crypto'
import { Writable } from 'node:stream'
import t from 'tap'
import { detectWebCrypto, webCryptoPrimitives } from '../../protocol/crypto/webcrypto.ts'
import { CLOSES, METHODS } from '../../protocol/registry.ts'
import { createDevice } from '../../reference-server/device.ts'
import { connect } from '../connect.ts'
import { pair } from '../pair.ts'
import { signedCall } from '../signed.ts'

const subtle = webcrypto.subtle as unknown as SubtleCrypto

async function pairedDevice(t: { teardown(fn: () => unknown): void }) {
  const logStream = new Writable({ write: (_chunk, _encoding, done) => done() })
  const device = await createDevice({
    host: '127.0.0.1', port: 0, store: 'memory', stateDir: null, testHooks: true, faults: [], logStream,
  })
  t.teardown(() => device.close())
  const { pin } = await device.openPairingWindow()
  return pair({ url: device.url, pin, name: 'webcrypto client' })
}

const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`)

t.test('pairing + session + signed HTTP on WebCrypto', async (t) => {
  const credentials = await pairedDevice(t)
  const primitives = webCryptoPrimitives(await detectWebCrypto(subtle), subtle)
  t.same(primitives.sources, { aesGcm: 'webcrypto', x25519: 'webcrypto', ed25519: 'webcrypto' })
  const session = await connect(credentials, { primitives })
  t.same(primitives.counts, { aesGcm: 0, x25519: 2, ed25519: 1 }, 'e and DH(e, re); the ticket request')
  const answers = await Promise.all(texts.map((text) => session.call(METHODS.echo, { text })))
  t.same(answers, texts.map((text) => ({ text })), 'twenty concurrent calls, each its own answer')
  // §7.10: the twenty requests of one run leave as one packed frame; the answers come back in one.
  t.equal(primitives.counts.aesGcm, 2, 'one packed frame sealed, one opened, by WebCrypto')
  t.same(await session.close(), { code: CLOSES.normal.code, reason: CLOSES.normal.reason })
  const unpacked = await connect(credentials, { primitives, jsonSeq: false })
  t.same(await Promise.all(texts.map((text) => unpacked.call(METHODS.echo, { text }))), texts.map((text) => ({ text })))
  t.equal(primitives.counts.aesGcm, 42, 'without json_seq each request sealed and each response opened on its own')
  await unpacked.close()
  t.same(await signedCall(credentials, METHODS.echo, [1], { primitives }), [1])
  t.equal(primitives.counts.ed25519, 3, 'the second ticket request and the signed request too')
})

t.test('a platform without the primitives runs the same path on noble', async (t) => {
  const credentials = await pairedDevice(t)
  const primitives = webCryptoPrimitives({ aesGcm: false, x25519: false, ed25519: false }, subtle)
  t.same(primitives.sources, { aesGcm: 'noble', x25519: 'noble', ed25519: 'noble' })
  const session = await connect(credentials, { primitives })
  t.same(await Promise.all(texts.map((text) => session.call(METHODS.echo, { text }))), texts.map((text) => ({ text })))
  t.same(primitives.counts, { aesGcm: 2, x25519: 2, ed25519: 1 }, 'one packed frame each way (§7.10)')
  await session.close()
})
