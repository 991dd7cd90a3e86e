/**
 * Spec §7.2 steps 3-5: a ticket that is not canonical base64url of 32 bytes, a well-formed one the
 * device never issued (also of 31, 33 and 1 bytes), and several `ticket` parameters all get 401
 * ticket-invalid, no upgrade.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { base64urlEncode } from '../../../protocol/encoding.ts'
import { PROBLEMS, SIZES } from '../../../protocol/registry.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'
import { expectGateRefusals, unknownTicket } from './support.ts'

const invalid = PROBLEMS.ticketInvalid
const randomTicket = (bytes: number) => base64urlEncode(defaultBackend.randomBytes(bytes))

export const ticketInvalid: CaseDefinition = {
  id: '7.2-ticket-invalid',
  level: 'MUST',
  requirement: 'pw-sess-7.2-ticket-invalid',
  title: 'malformed, unknown and repeated tickets get 401 ticket-invalid',
  profiles: ['session'],
  async run(ctx) {
    const ticket = unknownTicket()
    // The last character of 32 bytes carries 2 unused bits; 'B' sets one of them (§2.5).
    const nonCanonical = ticket.slice(0, -1) + 'B'
    must(await expectGateRefusals(ctx, [
      ['unknown ticket', `?ticket=${ticket}`, invalid],
      ['short ticket', `?ticket=${ticket.slice(0, 22)}`, invalid],
      ['31-byte ticket (one byte short)', `?ticket=${randomTicket(SIZES.ticket - 1)}`, invalid],
      ['33-byte ticket (one byte long)', `?ticket=${randomTicket(SIZES.ticket + 1)}`, invalid],
      ['1-byte ticket (far short)', `?ticket=${randomTicket(1)}`, invalid],
      ['padded ticket', `?ticket=${ticket}%3D`, invalid],
      ['non-canonical last character', `?ticket=${nonCanonical}`, invalid],
      ['character outside base64url', `?ticket=${ticket.slice(0, -2)}%2B${ticket.slice(-1)}`, invalid],
      ['two ticket parameters', `?ticket=${ticket}&ticket=${unknownTicket()}`, invalid],
    ]))
    return PASS
  },
}
