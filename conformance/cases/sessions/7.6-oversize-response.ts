/**
 * Spec §7.6: a response that would not fit the client's max_frame is replaced by -32603 Internal
 * error with the same id. The client announces max_frame = 1024 and asks for a 2 KiB echo.
 */
import { METHODS, RPC_ERRORS } from '../../../protocol/registry.ts'
import { expectRpcError } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { SMALL_MAX_FRAME } from './7.5-respect-peer-max.ts'
import { echoRequest, expectEcho, pairedSession } from './support.ts'

export const oversizeResponse: CaseDefinition = {
  id: '7.6-oversize-response',
  level: 'MUST',
  requirement: 'pw-sess-7.6-oversize-response',
  title: "a response too large for the client's max_frame becomes -32603",
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx, { maxFrame: SMALL_MAX_FRAME })
    const request = echoRequest(session, ['x'.repeat(2 * SMALL_MAX_FRAME)])
    await session.send(request)
    must(expectRpcError(await session.response('2 KiB echo, max_frame 1024', request), RPC_ERRORS.internalError,
      request['id']))
    await expectEcho(session, [METHODS.echo])
    return PASS
  },
}
