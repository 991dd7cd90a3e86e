// Checks spec requirements: pw-sess-7.3-noise-profile
/**
 * The session prologue (spec §7.3): the exact bytes, and that it binds both ids and their order.
 */
import t from 'tap'
import { hexEncode } from '../encoding.ts'
import { sessionPrologue } from './prologue.ts'

const clientId = 'pwc_' + 'A'.repeat(22)
const deviceId = 'pwd_' + '_'.repeat(22)

t.test('prologue = len || "pairwire/1 session" || len || client_id || len || device_id', (t) => {
  const prologue = sessionPrologue(clientId, deviceId)
  t.equal(prologue.length, 94)
  t.equal(
    hexEncode(prologue),
    '1200000000000000' + '70616972776972652f312073657373696f6e' +
      '1a00000000000000' + '7077635f' + '41'.repeat(22) +
      '1a00000000000000' + '7077645f' + '5f'.repeat(22),
  )
  t.end()
})

t.test('each field is length-prefixed, so no two id pairs share a prologue', (t) => {
  t.notSame(sessionPrologue(clientId, deviceId), sessionPrologue(deviceId, clientId))
  t.notSame(sessionPrologue('ab', 'c'), sessionPrologue('a', 'bc'))
  t.equal(
    hexEncode(sessionPrologue('\u00e9', '')),
    '1200000000000000' + '70616972776972652f312073657373696f6e' +
      '0200000000000000' + 'c3a9' + '0000000000000000',
    'lengths count UTF-8 bytes; an empty field is a zero length',
  )
  t.end()
})
