/** The client registry cases (spec §9), in run order. */
import type { CaseDefinition } from '../../model.ts'
import { unpairSelf } from './9.2-unpair.ts'
import { closeSessions, closeSessionsOperator } from './9.3-close-sessions.ts'
import {
  unknownKeyAfterOperatorRevocation,
  unknownKeyAfterRevocation,
} from './9.3-unknown-key-after-revocation.ts'

export const cases: CaseDefinition[] = [
  unpairSelf,
  unknownKeyAfterRevocation,
  closeSessions,
  unknownKeyAfterOperatorRevocation,
  closeSessionsOperator,
]
