/**
 * Spec §7.5: every data frame the device sends after message 2 is a binary Noise transport
 * message. Requests, errors and notifications are exchanged; the driver decrypts every frame the
 * device sends and fails the case on a text frame or one that does not authenticate.
 */
import { METHODS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { echoRequest, expectEcho, pairedSession } from './support.ts'

export const noCleartext: CaseDefinition = {
  id: '7.5-no-cleartext',
  level: 'MUST',
  requirement: 'pw-sess-7.5-no-cleartext',
  title: 'every device frame after message 2 is an authenticated Noise transport message',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    await expectEcho(session, { secret: 'must not appear in clear' })
    await session.send({ jsonrpc: '2.0', method: METHODS.echo, params: ['notification'] })
    await session.call('no.such.method', [])
    await session.send(echoRequest(session, ['after a notification']))
    await session.response('echo after a notification')
    return PASS
  },
}
