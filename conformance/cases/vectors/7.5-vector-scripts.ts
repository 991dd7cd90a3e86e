/**
 * Replays vectors/session.json on the wire (spec §7.4, §7.5, §14): for every SessionScriptTest
 * marked `wire: device`, the harness opens a session with a fresh ticket, makes message 1 itself
 * (its own pairing key, the vector's client_payload) when the script closes after it, then sends
 * the script's closing frame as it is — a text message or a frame too short for the message
 * expected, which any device refuses with no key — and the device must close with the vector's
 * close_code and close_reason. The group's wireNotes say why the other scripts are not replayed.
 */
import { hexDecode, utf8Decode } from '../../../protocol/encoding.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { handshake } from '../../drivers/session.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { wireCount, wireTests } from '../../vectors/load.ts'
import { freshSocket } from '../sessions/support.ts'
import { ReplayTally } from './support.ts'

const FILE = 'session.json'

export const vectorScripts: CaseDefinition = {
  id: '7.5-vector-scripts',
  level: 'MUST',
  requirement: 'pw-sess-7.5-short-frame',
  title: `vector replay: ${wireCount(FILE, 'device')} on the wire (scripted sessions)`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const tally = new ReplayTally(FILE)
    const client = await pairClient(ctx)
    for (const { test } of wireTests(FILE, 'device')) {
      const toDevice = test.steps.filter((s) => s.direction === 'client-to-device')
      const closing = toDevice.findIndex((s) => s.outcome === 'close')
      const step = toDevice[closing]
      if (step === undefined || step.outcome !== 'close' || closing > 1) {
        tally.add(test.tcId, test.comment, { expected: 'a device close at message 1 or after it', actual: test.steps })
        continue
      }
      const socket = await freshSocket(ctx, client)
      ctx.defer(() => socket.terminate())
      if (closing === 1) await handshake(ctx, socket, client, { payload: JSON.parse(test.client_payload) })
      const frame = hexDecode(step.frame)
      await socket.send(step.kind === 'text' ? utf8Decode(frame) : frame)
      const closed = await socket.waitClose(ctx.timeoutMs)
      const expected = { code: step.close_code, reason: step.close_reason }
      const actual = closed === undefined ? `still open after ${ctx.timeoutMs} ms` : { code: closed.code, reason: closed.reason }
      ctx.record({ step: `tcId ${test.tcId}: ${step.comment}`, expected, actual })
      const same = closed !== undefined && closed.code === expected.code && closed.reason === expected.reason
      tally.add(test.tcId, test.comment, same ? null : { expected, actual })
    }
    tally.finish()
    return PASS
  },
}
