/**
 * Spec §5.7 {#pw-pair-5.7-client-key}: pair/start refuses a client_key of small order with 400
 * malformed-request (issue 21: 0^32 was accepted). Two keys: 32 zero bytes (y = 0, a point of
 * order 4) and the identity (y = 1, encoded 01 00…00). Neither needs a PIN: step 1 comes first.
 */
import { base64urlEncode } from '../../../protocol/encoding.ts'
import { PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { encodeShare, M, passwordScalar } from '../../../protocol/spake2/index.ts'
import { expectProblem } from '../../drivers/http.ts'
import { pairStart } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'

const identity = new Uint8Array(32)
identity[0] = 1
const SMALL_ORDER_KEYS: [string, Uint8Array][] = [
  ['client_key = 0^32 (order 4)', new Uint8Array(32)],
  ['client_key = the identity (order 1)', identity],
]

export const clientKey: CaseDefinition = {
  id: '5.7-client-key',
  level: 'MUST',
  requirement: 'pw-pair-5.7-client-key',
  title: 'pair/start refuses a small-order Ed25519 client_key',
  profiles: ['pairing'],
  async run(ctx) {
    const pA = base64urlEncode(encodeShare(M.multiply(passwordScalar('482915').w)))
    for (const [step, key] of SMALL_ORDER_KEYS) {
      const body = { v: PROTOCOL_VERSION, client_key: base64urlEncode(key), client_name: 'conformance', pA }
      const wrong = expectProblem(await pairStart(ctx, body, step), PROBLEMS.malformedRequest)
      if (wrong !== null) return wrong
    }
    return PASS
  },
}
