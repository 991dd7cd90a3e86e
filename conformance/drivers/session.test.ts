/**
 * The forged message 2 of client mode's 7.3-client-reject-zero-dh (lowOrderMessage2): a real
 * initiator refuses it as §7.3 demands, while one that mixed the all-zero `ee` without the check
 * would read its payload, so the case fails a client for exactly that check and nothing else.
 */
import t from 'tap'
import { defaultBackend as backend } from '../../protocol/crypto/index.ts'
import { concatBytes, utf8Decode, utf8Encode } from '../../protocol/encoding.ts'
import { HandshakeState, SymmetricState } from '../../protocol/noise/index.ts'
import { SIZES } from '../../protocol/registry.ts'
import { lowOrderMessage2 } from './session.ts'

const psk = backend.randomBytes(32)
const prologue = utf8Encode('pairwire/1 session test prologue')
const payload1 = utf8Encode('{"v":1,"max_frame":65535}')
const payload2 = utf8Encode('{"v":1,"session_id":"x","max_frame":65535,"ping_interval":30}')

t.test('a real initiator closes handshake-failed on the all-zero ee', async (t) => {
  const initiator = new HandshakeState({ role: 'initiator', psk, prologue })
  const message2 = lowOrderMessage2(psk, prologue, initiator.writeMessage(payload1), payload2)
  t.same([...message2.subarray(0, SIZES.x25519Key)], new Array(SIZES.x25519Key).fill(0), 'e is the zero point')
  t.throws(() => initiator.readMessage(message2), { name: 'ProtocolError', code: 'handshake-failed' })
})

t.test('without the check, the zero ee reads the payload; any other ee does not', async (t) => {
  const e = backend.x25519PublicKey(backend.randomBytes(32))
  const start = () => {
    const symmetric = new SymmetricState()
    symmetric.mixHash(prologue)
    symmetric.mixKeyAndHash(psk)
    symmetric.mixHash(e)
    symmetric.mixKey(e)
    return symmetric
  }
  const writer = start()
  const message1 = concatBytes(e, writer.encryptAndHash(payload1))
  const message2 = lowOrderMessage2(psk, prologue, message1, payload2)
  const readWith = (ee: Uint8Array) => {
    const reader = start()
    reader.encryptAndHash(payload1)
    const re = message2.subarray(0, SIZES.x25519Key)
    reader.mixHash(re)
    reader.mixKey(re)
    reader.mixKey(ee)
    return utf8Decode(reader.decryptAndHash(message2.subarray(SIZES.x25519Key)))
  }
  t.equal(readWith(new Uint8Array(SIZES.x25519Key)), utf8Decode(payload2))
  t.throws(() => readWith(backend.randomBytes(32)), { name: 'ProtocolError', code: 'handshake-failed' })
})
