/**
 * Spec §2.9 pw-conv-2.9-host-required: an HTTP/1.1 request without a Host field (a 400 by
 * RFC 9112 §3.2) still gets a registered problem, 400 malformed-request, not a bare 400. An HTTP
 * client library always sends Host, so the harness writes the request bytes itself.
 */
import { utf8Encode } from '../../../protocol/encoding.ts'
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem, pace } from '../../drivers/http.ts'
import { RawConnection } from '../../drivers/raw-http.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, must, PASS } from '../../verdicts.ts'

export const hostRequired: CaseDefinition = {
  id: '2.9-host-required',
  level: 'MUST',
  requirement: 'pw-conv-2.9-host-required',
  title: 'an HTTP/1.1 request without Host gets 400 malformed-request as a problem',
  async run(ctx) {
    await pace(ctx)
    const connection = await RawConnection.open(ctx.target.url, ctx.timeoutMs).catch((error: unknown) =>
      failCase('cannot connect to the device', 'a TCP connection', (error as Error).message))
    ctx.defer(() => connection.close())
    const head = `GET ${PATHS.discovery} HTTP/1.1\r\nConnection: close\r\n\r\n`
    await connection.write(utf8Encode(head))
    const res = await connection.waitResponse(ctx.timeoutMs)
    const expected = { status: 400, problem: PROBLEMS.malformedRequest.name }
    ctx.record({ step: 'GET discovery without Host', sent: head.trim(), expected, actual: res?.status ?? 'no answer' })
    if (res === undefined) failCase('the device did not answer a request without Host', expected, 'no answer')
    must(expectProblem(res, PROBLEMS.malformedRequest))
    return PASS
  },
}
