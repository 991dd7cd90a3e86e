/**
 * Spec §2.4 {#pw-conv-2.4-json-object}: a body that is not valid UTF-8, not valid JSON, or whose
 * top-level value is not an object is answered 400 malformed-request.
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'

// {"v":1,"client_name":"<ff>"}: a JSON text whose string holds a byte that is never UTF-8.
const NOT_UTF8 = Buffer.concat([
  Buffer.from('{"v":1,"client_name":"'),
  Buffer.of(0xff),
  Buffer.from('"}'),
])

const BODIES: readonly [string, string | Uint8Array][] = [
  ['truncated JSON', '{"v":1,'],
  ['not JSON', 'v=1'],
  ['a top-level array', '[{"v":1}]'],
  ['a top-level string', '"v"'],
  ['a top-level number', '1'],
  ['top-level null', 'null'],
  ['invalid UTF-8', new Uint8Array(NOT_UTF8)],
]

export const jsonObject: CaseDefinition = {
  id: '2.4-json-object',
  level: 'MUST',
  requirement: 'pw-conv-2.4-json-object',
  title: 'a body that is not a UTF-8 JSON object gets 400 malformed-request',
  async run(ctx) {
    const probes = [PATHS.pairStart, PATHS.pairFinish].flatMap((path) =>
      BODIES.map(([what, body]) => {
        const request = { method: 'POST', path, body }
        return probe(`POST ${path} with ${what}`, request, PROBLEMS.malformedRequest)
      }),
    )
    return runProbes(ctx, probes)
  },
}
