/**
 * Spec §7.4, Table 7-1: message 1 that fails Noise processing (wrong psk, wrong prologue ids,
 * garbage, a cut tag) or whose payload is not a valid handshake-client-payload gets 4401
 * handshake-failed. Each attempt uses its own ticket and socket.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { utf8Encode } from '../../../protocol/encoding.ts'
import { CLOSES, PROTOCOL_VERSION, SIZES } from '../../../protocol/registry.ts'
import { newClientKeys, pairClient, type PairedClient } from '../../drivers/pairing.ts'
import { buildMessage1, type Message1Options } from '../../drivers/session.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

const v = PROTOCOL_VERSION
const maxFrame = SIZES.noiseMaxMessage

/** Each bad message 1, by name, built for `client`. */
function badMessages(client: PairedClient): [string, Uint8Array][] {
  const built = (options: Message1Options) => buildMessage1(client, options).message
  const valid = built({})
  return [
    ['wrong psk', built({ psk: defaultBackend.randomBytes(SIZES.pairingKey) })],
    ['prologue with another client_id', built({ clientId: newClientKeys().clientId })],
    ['prologue with another device_id', built({ deviceId: newClientKeys().clientId.replace('pwc_', 'pwd_') })],
    ['64 random bytes', defaultBackend.randomBytes(64)],
    ['valid message 1 without its last byte', valid.subarray(0, valid.length - 1)],
    ['payload not JSON', built({ payload: utf8Encode('not json') })],
    ['payload a JSON array', built({ payload: [v, maxFrame] })],
    ['payload without max_frame', built({ payload: { v } })],
    ['max_frame below 1024', built({ payload: { v, max_frame: 100 } })],
    ['max_frame above 65535', built({ payload: { v, max_frame: maxFrame + 1 } })],
    ['payload with an unknown member', built({ payload: { v, max_frame: maxFrame, extra: true } })],
    ['v a string', built({ payload: { v: String(v), max_frame: maxFrame } })],
  ]
}

export const handshakeFailed: CaseDefinition = {
  id: '7.4-handshake-failed',
  level: 'MUST',
  requirement: 'pw-sess-7.4-handshake-failed',
  title: `a message 1 that fails Noise or has an invalid payload gets ${CLOSES.handshakeFailed.code}`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(await allOf(badMessages(client).map(([step, message]) =>
      [step, () => expectFirstFrameClose(ctx, client, message, CLOSES.handshakeFailed, step)] as const)))
    return PASS
  },
}
