/**
 * Spec §7.4, Table 7-1: a message 1 whose payload is a JSON object with an integer `v` other than
 * a supported version gets 4426 unsupported-version.
 */
import { CLOSES, SIZES, SUPPORTED_VERSIONS } from '../../../protocol/registry.ts'
import { pairClient } from '../../drivers/pairing.ts'
import { buildMessage1 } from '../../drivers/session.ts'
import { allOf } from '../../drivers/checks.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectFirstFrameClose } from './support.ts'

const unsupported = Math.max(...SUPPORTED_VERSIONS) + 1

export const unsupportedVersion: CaseDefinition = {
  id: '7.4-unsupported-version',
  level: 'MUST',
  requirement: 'pw-sess-7.4-unsupported-version',
  title: `a message 1 payload with an unsupported v gets ${CLOSES.unsupportedVersion.code}`,
  profiles: ['session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    must(await allOf([unsupported, 0].map((v) => {
      const step = `payload v = ${v}`
      const { message } = buildMessage1(client, { payload: { v, max_frame: SIZES.noiseMaxMessage } })
      return [step, () => expectFirstFrameClose(ctx, client, message, CLOSES.unsupportedVersion, step)] as const
    })))
    return PASS
  },
}
