/**
 * Spec §5.4 Table 5-1, row "pair/finish when the pairing's window is not the open window": two
 * pairings start in one window with the right PIN; the first finishes (200) and closes the
 * window, so the second gets 403 pairing-window-closed although its cA is right.
 */
import { PROBLEMS } from '../../../protocol/registry.ts'
import { expectProblem } from '../../drivers/http.ts'
import {
  clientConfirmation,
  openPinWindow,
  pairFinish,
  readFinishResponse,
  startPairing,
} from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { must, PASS } from '../../verdicts.ts'

export const stateTable: CaseDefinition = {
  id: '5.4-state-table',
  level: 'MUST',
  requirement: 'pw-pair-5.4-state-table',
  title: 'a pending pairing of a window closed by success cannot finish',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const first = await startPairing(ctx, { pin, step: 'pair/start (first)' })
    const second = await startPairing(ctx, { pin, step: 'pair/start (second)' })
    const firstConfirmation = clientConfirmation(first)
    const ok = await pairFinish(ctx, first.pairingId, firstConfirmation.cA, 'pair/finish (first)')
    readFinishResponse(ok, first, firstConfirmation)
    const late = await pairFinish(ctx, second.pairingId, clientConfirmation(second).cA,
      'pair/finish (second, right cA)')
    must(expectProblem(late, PROBLEMS.pairingWindowClosed))
    return PASS
  },
}
