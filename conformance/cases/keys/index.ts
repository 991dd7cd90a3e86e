/** The cases of spec §3 (keys and identities) that can be checked over the wire. */
import type { CaseDefinition } from '../../model.ts'
import { deviceKeyStable } from './3.1-device-key-stable.ts'
import { idDerivation } from './3.2-id-derivation.ts'

export const cases: CaseDefinition[] = [deviceKeyStable, idDerivation]
