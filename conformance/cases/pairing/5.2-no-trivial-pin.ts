/**
 * Spec §5.2: a device never generates a trivial PIN (all digits equal, ascending or descending
 * runs). Opens a few windows and checks every PIN; a device with a fixed test PIN such as 000000
 * or 123456 fails at once.
 */
import { isPinSyntax, isTrivialPin } from '../../../protocol/spake2/index.ts'
import { openPinWindow } from '../../drivers/pairing.ts'
import type { CaseDefinition } from '../../model.ts'
import { failCase, PASS } from '../../verdicts.ts'

const WINDOWS = 5

export const noTrivialPin: CaseDefinition = {
  id: '5.2-no-trivial-pin',
  level: 'MUST',
  requirement: 'pw-pair-5.2-no-trivial-pin',
  title: 'the device never opens a window with a trivial PIN',
  profiles: ['pairing'],
  needsPin: true,
  async run(ctx) {
    for (let i = 0; i < WINDOWS; i++) {
      const pin = await openPinWindow(ctx)
      if (!isPinSyntax(pin)) failCase('a PIN is six ASCII digits (§5.2)', 'six digits', 'something else')
      if (isTrivialPin(pin)) failCase('the device generated a trivial PIN (§5.2)', 'a non-trivial PIN', 'a trivial PIN')
    }
    return PASS
  },
}
