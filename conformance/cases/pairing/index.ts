/** The pairing cases (spec §3.2, §5), in run order. */
import type { CaseDefinition } from '../../model.ts'
import { clientIdFromKey } from './3.2-client-id-from-key.ts'
import { noTrivialPin } from './5.2-no-trivial-pin.ts'
import { oneWindow } from './5.3-one-window.ts'
import { openLocally } from './5.3-open-locally.ts'
import { atomicBudget } from './5.4-atomic-budget.ts'
import { failureBudget } from './5.4-failure-budget.ts'
import { singleSuccess } from './5.4-single-success.ts'
import { stateTable } from './5.4-state-table.ts'
import { ttlAtFinish } from './5.4-ttl-at-finish.ts'
import { ttlAtStart } from './5.4-ttl-at-start.ts'
import { freshScalars } from './5.5-fresh-scalars.ts'
import { pairingSucceeds } from './5.5-pairing-succeeds.ts'
import { afterConfirmation } from './5.6-after-confirmation.ts'
import { pairingKey } from './5.6-pairing-key.ts'
import { identityKNoOracle } from './5.7-identity-k-no-oracle.ts'
import { invalidShare } from './5.7-invalid-share.ts'
import { uniformWork } from './5.7-uniform-work.ts'
import { clientKey } from './5.7-client-key.ts'
import { attemptsRemaining } from './5.8-attempts-remaining.ts'
import { cbAfterCa } from './5.8-cb-after-ca.ts'
import { repairReplaces } from './5.8-repair-replaces.ts'
import { singleUse } from './5.8-single-use.ts'
import { storeBeforeAnswer } from './5.8-store-before-answer.ts'
import { unknownPairing } from './5.8-unknown-pairing.ts'
import { concurrentLimit } from './5.10-concurrent-limit.ts'
import { pairingTtl } from './5.10-pairing-ttl.ts'

export const cases: CaseDefinition[] = [
  clientIdFromKey,
  noTrivialPin,
  openLocally,
  oneWindow,
  ttlAtStart,
  ttlAtFinish,
  singleSuccess,
  stateTable,
  failureBudget,
  atomicBudget,
  pairingSucceeds,
  freshScalars,
  pairingKey,
  afterConfirmation,
  invalidShare,
  identityKNoOracle,
  uniformWork,
  clientKey,
  unknownPairing,
  singleUse,
  attemptsRemaining,
  storeBeforeAnswer,
  cbAfterCa,
  repairReplaces,
  pairingTtl,
  concurrentLimit,
]
