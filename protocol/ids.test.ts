// Checks spec requirements: pw-keys-3.2-id-derivation, pw-keys-3.2-verify-id
import { ed25519 } from '@noble/curves/ed25519.js'
import t from 'tap'
import { availableBackends, defaultBackend } from './crypto/index.ts'
import { base64urlEncode, hexDecode } from './encoding.ts'
import { ProtocolError } from './errors.ts'
import { clientIdOf, deviceIdOf, idBytes, isAcceptableClientKey, isWellFormedId } from './ids.ts'

// RFC 8032 §7.1 TEST 1 public key; its SHA-256 computed independently with sha256sum.
const rfc8032Key = hexDecode('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')

t.test('ids are prefix + base64url of the first 16 bytes of SHA-256 of the key', async (t) => {
  const { createHash } = await import('node:crypto')
  const fp = createHash('sha256').update(rfc8032Key).digest().subarray(0, 16)
  for (const backend of await availableBackends()) {
    t.equal(deviceIdOf(rfc8032Key, backend), 'pwd_' + base64urlEncode(fp), backend.name)
    t.equal(clientIdOf(rfc8032Key, backend), 'pwc_' + base64urlEncode(fp), backend.name)
  }
  t.equal(deviceIdOf(rfc8032Key).length, 26)
})

t.test('different keys give different ids; the same key always the same id', async (t) => {
  const a = ed25519.getPublicKey(new Uint8Array(32).fill(1))
  const b = ed25519.getPublicKey(new Uint8Array(32).fill(2))
  t.not(clientIdOf(a), clientIdOf(b))
  t.equal(clientIdOf(a), clientIdOf(a))
})

t.test('a key of the wrong length is a typed error', async (t) => {
  t.throws(() => deviceIdOf(new Uint8Array(31)), ProtocolError)
  t.throws(() => clientIdOf(new Uint8Array(33)), { code: 'invalid-length' })
})

t.test('isWellFormedId checks prefix, alphabet, length and canonical encoding', async (t) => {
  const id = deviceIdOf(rfc8032Key)
  t.ok(isWellFormedId('device', id))
  t.notOk(isWellFormedId('client', id), 'wrong kind')
  t.notOk(isWellFormedId('device', id.slice(0, 25)), 'short')
  t.notOk(isWellFormedId('device', id + 'A'), 'long')
  t.notOk(isWellFormedId('device', 'pwd_' + '+'.repeat(22)), 'alphabet')
  t.notOk(isWellFormedId('device', 'pwd_' + 'A'.repeat(21) + 'B'), 'non-canonical trailing bits')
  t.notOk(isWellFormedId('device', 7), 'not a string')
  t.same(idBytes('pwd_x'), Uint8Array.of(0x70, 0x77, 0x64, 0x5f, 0x78))
})

t.test('pw-pair-5.7-client-key: small-order and non-point client keys are not acceptable', async (t) => {
  const identity = new Uint8Array(32)
  identity[0] = 1
  t.equal(isAcceptableClientKey(new Uint8Array(32)), false, '0^32, order 4')
  t.equal(isAcceptableClientKey(identity), false, 'the identity')
  t.equal(isAcceptableClientKey(new Uint8Array(32).fill(0xff)), false, 'not a strict encoding')
  t.equal(isAcceptableClientKey(defaultBackend.ed25519PublicKey(new Uint8Array(32).fill(7))), true)
})
