/** The ticket and gate cases (spec §6, §7.2), in run order. */
import type { CaseDefinition } from '../../model.ts'
import { signedTicketRequest } from './6.1-signed-request.ts'
import { ticketSingleUse } from './6.3-single-use.ts'
import { ticketTtl } from './6.3-ttl.ts'
import { boundToClient } from './6.5-bound-to-client.ts'
import { ticketRevocation } from './6.5-revocation.ts'
import { gateOrder } from './7.2-gate-order.ts'
import { noUpgrade } from './7.2-no-upgrade.ts'
import { ticketInvalid } from './7.2-ticket-invalid.ts'
import { ticketMissing } from './7.2-ticket-missing.ts'
import { otherQueryIgnored } from './7.2-other-query-ignored.ts'
import { signedUpgradeAccepted } from './7.2-signed-upgrade.ts'
import { signedUpgradeReplay } from './7.2-signed-upgrade-replay.ts'

export const cases: CaseDefinition[] = [
  signedTicketRequest,
  ticketSingleUse,
  ticketTtl,
  boundToClient,
  ticketRevocation,
  ticketMissing,
  ticketInvalid,
  noUpgrade,
  gateOrder,
  otherQueryIgnored,
  signedUpgradeAccepted,
  signedUpgradeReplay,
]
