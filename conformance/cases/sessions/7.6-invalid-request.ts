/**
 * Spec §7.6: JSON that is not a valid request or notification gets -32600 with id null: a wrong
 * jsonrpc, a method that is not a string, params that are neither object nor array, an id that
 * is null or not a string or integer, an unknown member, or a value that is not an object.
 */
import { METHODS, RPC_ERRORS } from '../../../protocol/registry.ts'
import { allOf, expectRpcError } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { pairedSession } from './support.ts'

const echo = METHODS.echo
const INVALID: readonly (readonly [string, unknown])[] = [
  ['jsonrpc "1.0"', { jsonrpc: '1.0', id: 1, method: echo, params: [] }],
  ['no jsonrpc', { id: 1, method: echo, params: [] }],
  ['method a number', { jsonrpc: '2.0', id: 1, method: 5, params: [] }],
  ['params a string', { jsonrpc: '2.0', id: 1, method: echo, params: 'x' }],
  ['id null', { jsonrpc: '2.0', id: null, method: echo, params: [] }],
  ['id a fraction', { jsonrpc: '2.0', id: 1.5, method: echo, params: [] }],
  ['id an object', { jsonrpc: '2.0', id: {}, method: echo, params: [] }],
  ['an unknown member', { jsonrpc: '2.0', id: 1, method: echo, params: [], extra: 1 }],
  ['a number', 42],
  ['a string', 'pairwire.echo'],
  ['null', null],
]

export const invalidRequest: CaseDefinition = {
  id: '7.6-invalid-request',
  level: 'MUST',
  requirement: 'pw-sess-7.6-invalid-request',
  title: 'invalid JSON-RPC objects get -32600 with id null',
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const { session } = await pairedSession(ctx)
    must(await allOf(INVALID.map(([step, message]) => [step, async () => {
      await session.send(message)
      return expectRpcError(await session.response(step, message), RPC_ERRORS.invalidRequest, null)
    }] as const)))
    return PASS
  },
}
