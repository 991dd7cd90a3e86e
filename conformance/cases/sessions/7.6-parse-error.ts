/**
 * Spec §7.6: a transport plaintext that is not UTF-8 JSON gets an error response -32700 with id
 * null, and the session stays open.
 */
import { utf8Encode } from '../../../protocol/encoding.ts'
import { RPC_ERRORS } from '../../../protocol/registry.ts'
import { allOf, expectRpcError } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectEcho, pairedSession } from './support.ts'

const PLAINTEXTS: readonly (readonly [string, Uint8Array])[] = [
  ['truncated JSON', utf8Encode('{"jsonrpc":"2.0","id":1,')],
  ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)],
  ['empty plaintext', new Uint8Array(0)],
  ['a bare word', utf8Encode('echo')],
]

export const parseError: CaseDefinition = {
  id: '7.6-parse-error',
  level: 'MUST',
  requirement: 'pw-sess-7.6-parse-error',
  title: 'a plaintext that is not UTF-8 JSON gets -32700 with id null',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    must(await allOf(PLAINTEXTS.map(([step, plaintext]) => [step, async () => {
      await session.send(plaintext)
      return expectRpcError(await session.response(step), RPC_ERRORS.parseError, null)
    }] as const)))
    await expectEcho(session)
    return PASS
  },
}
