/**
 * Spec §13.3: the device generates a fresh ephemeral X25519 key pair for every session. Noise
 * message 2 starts with the device's e (Noise rev 34 §7, NNpsk0 `<- e, ee`), so three sessions of
 * one client must show three different keys. Two of them receive the very same message 1 (a
 * replay, as §13.3 describes, on a fresh ticket): a device deriving its e from message 1 or from
 * the pairing key would repeat itself there. Each message 2 must also be valid, so that the bytes
 * compared are really the device's e.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { hexEncode, utf8Encode } from '../../../protocol/encoding.ts'
import { HandshakeState, sessionPrologue } from '../../../protocol/noise/index.ts'
import { PROTOCOL_VERSION, SIZES } from '../../../protocol/registry.ts'
import { pairClient, type PairedClient } from '../../drivers/pairing.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, failCase, PASS } from '../../verdicts.ts'
import { freshSocket } from '../sessions/support.ts'

/** Message 1 from `client` with the ephemeral private key `e`: the same `e`, the same bytes. */
function initiator(client: PairedClient, e: Uint8Array): [HandshakeState, Uint8Array] {
  const state = new HandshakeState({
    role: 'initiator',
    psk: client.pairingKey,
    prologue: sessionPrologue(client.clientId, client.deviceId),
    ephemeralPrivateKey: e,
  })
  const payload = { v: PROTOCOL_VERSION, max_frame: SIZES.noiseMaxMessage }
  return [state, state.writeMessage(utf8Encode(JSON.stringify(payload)))]
}

/** Sends message 1 on a fresh ticket's socket; returns the device's e from a valid message 2. */
async function deviceEphemeral(
  ctx: CaseContext,
  client: PairedClient,
  e: Uint8Array,
  step: string,
): Promise<string> {
  const [state, message1] = initiator(client, e)
  const socket = await freshSocket(ctx, client)
  await socket.send(message1)
  const event = await socket.next(ctx.timeoutMs)
  const actual = event.kind === 'frame' ? `${event.frame.data.length}-byte frame` : event
  ctx.record({ step, sent: `${message1.length}-byte message 1`, actual })
  if (event.kind !== 'frame' || !event.frame.binary) {
    failCase(`${step}: no message 2 (§7.4)`, 'message 2', actual)
  }
  try {
    state.readMessage(event.frame.data)
  } catch {
    failCase(`${step}: message 2 fails Noise processing (§7.3)`, 'a valid message 2', actual)
  }
  socket.close()
  return hexEncode(event.frame.data.subarray(0, SIZES.x25519Key))
}

export const freshEphemeral: CaseDefinition = {
  id: '13.3-fresh-ephemeral',
  level: 'MUST',
  requirement: 'pw-sec-13.3-fresh-ephemeral',
  title: 'every session gets a new device ephemeral key, also for a replayed message 1',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const [replayed, fresh] = [1, 2].map(() => defaultBackend.randomBytes(SIZES.x25519Key))
    const keys = [
      await deviceEphemeral(ctx, client, replayed!, 'session 1: message 1'),
      await deviceEphemeral(ctx, client, replayed!, 'session 2: the same message 1 again'),
      await deviceEphemeral(ctx, client, fresh!, 'session 3: a new message 1'),
    ]
    if (new Set(keys).size === keys.length) return PASS
    return fail('the device reused an ephemeral key across sessions (§13.3)',
      'three different device ephemeral keys', keys)
  },
}
