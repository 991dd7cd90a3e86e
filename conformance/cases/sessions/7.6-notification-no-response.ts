/**
 * Spec §7.6: a valid notification gets no response, whether or not the device knows its method:
 * the next response is the one to the request sent after the notifications.
 */
import { METHODS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'
import { echoRequest, pairedSession } from './support.ts'

export const notificationNoResponse: CaseDefinition = {
  id: '7.6-notification-no-response',
  level: 'MUST',
  requirement: 'pw-sess-7.6-notification-no-response',
  title: 'notifications get no response',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    await session.send({ jsonrpc: '2.0', method: METHODS.echo, params: ['known method'] })
    await session.send({ jsonrpc: '2.0', method: 'no.such.method', params: {} })
    await session.send({ jsonrpc: '2.0', method: METHODS.echo })
    const request = echoRequest(session, ['after three notifications'])
    await session.send(request)
    const next = await session.response('echo after three notifications', request)
    if (next['id'] !== request['id']) failCase('a notification was answered (§7.6)', { id: request['id'] }, next)
    return PASS
  },
}
