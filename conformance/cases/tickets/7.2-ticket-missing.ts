/**
 * Spec §7.2 step 3: an upgrade without a `ticket` query parameter, or with an empty one, gets 401
 * ticket-missing and no upgrade.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectGateRefusals } from './support.ts'

const missing = PROBLEMS.ticketMissing

export const ticketMissing: CaseDefinition = {
  id: '7.2-ticket-missing',
  level: 'MUST',
  requirement: 'pw-sess-7.2-ticket-missing',
  title: 'an upgrade without a ticket gets 401 ticket-missing',
  profiles: ['session'],
  async run(ctx) {
    must(await expectGateRefusals(ctx, [
      ['no query', '', missing],
      ['empty ticket', '?ticket=', missing],
      ['another parameter only', '?tickets=x', missing],
    ]))
    return PASS
  },
}
