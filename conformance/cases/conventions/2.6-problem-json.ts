/**
 * Spec §2.6 {#pw-conv-2.6-problem-json}: every HTTP error is application/problem+json whose
 * `type`, `title` and `status` are those of one registry entry, `status` equal to the HTTP status,
 * and no members beyond `detail` and the extensions of that type. One request per kind of error
 * the device can be made to answer without a pairing (expectProblem checks all of it).
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { probe, runProbes } from '../probes.ts'
import { validPairFinish, validPairStart } from '../samples.ts'

export const problemJson: CaseDefinition = {
  id: '2.6-problem-json',
  level: 'MUST',
  requirement: 'pw-conv-2.6-problem-json',
  title: 'error answers are RFC 9457 problem details of a registry entry',
  async run(ctx) {
    const post = (path: string, body: string | object, headers?: Record<string, string>) => ({
      method: 'POST',
      path,
      body,
      ...(headers === undefined ? {} : { headers }),
    })
    const textPlain = { 'content-type': 'text/plain' }
    const v9 = { ...validPairStart(ctx), v: 9 }
    const { pairStart, pairFinish } = PATHS
    return runProbes(ctx, [
      probe('unknown path', { method: 'GET', path: '/pairwire/v1/none' }, PROBLEMS.notFound),
      probe('wrong method', { method: 'PUT', path: pairStart }, PROBLEMS.methodNotAllowed),
      probe('text/plain', post(pairStart, '{}', textPlain), PROBLEMS.unsupportedMediaType),
      probe('not JSON', post(pairStart, '{'), PROBLEMS.malformedRequest),
      probe('v 9', post(pairStart, v9), PROBLEMS.unsupportedVersion),
      probe('unknown pairing_id', post(pairFinish, validPairFinish()), PROBLEMS.unknownPairing),
      probe('unsigned ticket request', post(PATHS.tickets, { v: 1 }), PROBLEMS.signatureMissing),
      probe(
        'session URL, not a WebSocket handshake',
        { method: 'GET', path: PATHS.websocket },
        PROBLEMS.malformedRequest,
      ),
    ])
  },
}
