/**
 * Replays vectors/pairing.json on the wire (spec §5.7, §14): every InvalidShareTest marked
 * `wire: device` is sent to pair/start as it is, and the answer must be the vector's status and
 * problem type: invalid-share for 65 bytes that are no point, malformed-request for any other
 * length (pw-pair-5.7-share-length). The share is judged before the window (§5.7 step 2), so no
 * PIN is needed.
 */
import { base64urlEncode, hexDecode } from '../../../protocol/encoding.ts'
import { PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { pairStart } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { wireCount, wireTests } from '../../vectors/load.ts'
import { ReplayTally, vectorProblemMismatch } from './support.ts'

const FILE = 'pairing.json'

export const vectorShares: CaseDefinition = {
  id: '5.7-vector-shares',
  level: 'MUST',
  requirement: 'pw-pair-5.7-share-length',
  title: `vector replay: ${wireCount(FILE, 'device')} on the wire (pair/start shares)`,
  profiles: ['pairing'],
  async run(ctx) {
    const tally = new ReplayTally(FILE)
    for (const replayed of wireTests(FILE, 'device')) {
      const { group } = replayed
      // Only pair/start shares are marked for the device side; anything else is a broken file.
      if (group.type !== 'InvalidShareTest') {
        tally.add(replayed.test.tcId, replayed.test.comment, { expected: 'InvalidShareTest', actual: group.type })
        continue
      }
      const test = replayed.test as (typeof group.tests)[number]
      if (test.request !== 'pair/start') {
        tally.add(test.tcId, test.comment, { expected: 'pair/start', actual: test.request })
        continue
      }
      const body = {
        v: PROTOCOL_VERSION,
        client_key: base64urlEncode(hexDecode(group.client_key)),
        client_name: `vector tcId ${test.tcId}`,
        pA: base64urlEncode(hexDecode(test.pA)),
      }
      const res = await pairStart(ctx, body, `tcId ${test.tcId}: ${test.comment}`)
      tally.add(test.tcId, test.comment, vectorProblemMismatch(res, test))
    }
    tally.finish()
    return PASS
  },
}
