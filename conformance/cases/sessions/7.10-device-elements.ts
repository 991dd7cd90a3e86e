/**
 * Spec §7.10 {#pw-sess-7.10-device-elements}: a device that accepted json_seq processes each
 * element of a packed plaintext as a §7.6 plaintext of its own and answers each request element:
 * echo requests, an element that is not UTF-8 and one that is truncated JSON (-32700, id null),
 * a JSON array (-32600, id null; its request is not processed), a notification (no answer) and an
 * unknown method (-32601). Then as many echo requests as §7.10 allows in one packed plaintext,
 * 64, or fewer when the device's max_frame holds fewer. Answers may come in any order, packed or
 * not; an echo sent after each packed plaintext shows that nothing more was answered before it.
 * A device that declines json_seq is not supported (packed-support.ts).
 */
import { utf8Encode } from '../../../protocol/encoding.ts'
import { METHODS, RPC_ERRORS } from '../../../protocol/registry.ts'
import type { NoiseSession } from '../../drivers/session.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { acceptedSession, echoAnswer, expectAnswers, fullest, packed, type Expected } from './packed-support.ts'
import { echoRequest } from './support.ts'

// Bytes that are not UTF-8 (0xff never occurs in UTF-8, RFC 3629 §1), and JSON cut short.
const NOT_UTF8 = Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)
const TRUNCATED = utf8Encode('{"jsonrpc":"2.0","id":1,')

/** The mixed elements, in order, and the answers they call for. */
function mixed(session: NoiseSession): { elements: unknown[]; expected: Expected[] } {
  const first = echoRequest(session, ['first'])
  const inArray = echoRequest(session, ['inside a JSON array'])
  const notification = { jsonrpc: '2.0', method: METHODS.echo, params: ['a notification'] }
  const unknown = { jsonrpc: '2.0', id: session.nextId(), method: 'no.such.method', params: {} }
  const last = echoRequest(session, { last: true })
  return {
    elements: [first, NOT_UTF8, [inArray], notification, TRUNCATED, unknown, last],
    expected: [
      echoAnswer(first),
      { id: null, error: RPC_ERRORS.parseError },
      { id: null, error: RPC_ERRORS.invalidRequest },
      { id: null, error: RPC_ERRORS.parseError },
      { id: unknown['id'], error: RPC_ERRORS.methodNotFound },
      echoAnswer(last),
    ],
  }
}

/** Sends `elements` as one packed plaintext and an echo after it; every answer must come. */
async function sendPacked(ctx: CaseContext, session: NoiseSession, step: string,
  elements: readonly unknown[], expected: readonly Expected[]): Promise<void> {
  await session.send(packed(elements))
  const after = echoRequest(session, ['after the packed plaintext'])
  await session.send(after)
  must(await expectAnswers(ctx, session, step, [...expected, echoAnswer(after)]))
}

export const deviceElements: CaseDefinition = {
  id: '7.10-device-elements',
  level: 'MUST',
  requirement: 'pw-sess-7.10-device-elements',
  title: 'each element of a packed plaintext is processed as a plaintext of its own, and each request answered',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const session = await acceptedSession(ctx)
    const { elements, expected } = mixed(session)
    await sendPacked(ctx, session, `a packed plaintext of ${elements.length} mixed elements`, elements, expected)
    const requests = fullest(session)
    await sendPacked(ctx, session, `a packed plaintext of ${requests.length} echo requests`, requests,
      requests.map(echoAnswer))
    return PASS
  },
}
