/**
 * Replays vectors/signing.json on the wire (spec §8.7, §14): every SignedRequestTest marked
 * `wire: device` is sent as it is — its method, the path and query of its url, its headers and
 * body — with the target's own Host, and the answer must be the vector's status and problem type.
 * These are the tests whose verdict needs no key and no clock (steps 1-6, including the
 * other-label rule pw-sig-8.7-other-labels) or names a keyid no device registered (unknown-key);
 * the group's wireNotes say why the others are not replayed.
 */
import { httpRequest } from '../../drivers/http.ts'
import type { CaseDefinition } from '../../model.ts'
import { PASS } from '../../verdicts.ts'
import { wireCount, wireTests } from '../../vectors/load.ts'
import { ReplayTally, vectorProblemMismatch } from './support.ts'

const FILE = 'signing.json'

/** The vector's headers without Host: the harness reaches the target at the target's address. */
function headersOf(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'host'))
}

export const vectorRequests: CaseDefinition = {
  id: '8.7-vector-requests',
  level: 'MUST',
  requirement: 'pw-sig-8.7-other-labels',
  title: `vector replay: ${wireCount(FILE, 'device')} on the wire (signed requests)`,
  profiles: ['signed-http'],
  async run(ctx) {
    const tally = new ReplayTally(FILE)
    for (const { test } of wireTests(FILE, 'device')) {
      if (test.result !== 'invalid') {
        tally.add(test.tcId, test.comment, { expected: 'an invalid test', actual: test.result })
        continue
      }
      const url = new URL(test.url)
      const res = await httpRequest(ctx, {
        method: test.method,
        path: url.pathname + url.search,
        headers: headersOf(test.headers),
        ...(test.body === undefined ? {} : { body: test.body }),
        step: `tcId ${test.tcId}: ${test.comment}`,
      })
      tally.add(test.tcId, test.comment, vectorProblemMismatch(res, test))
    }
    tally.finish()
    return PASS
  },
}
