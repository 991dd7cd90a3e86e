/** The client registry cases (spec §9), in run order. */
import type { CaseDefinition } from '../../model.ts'
import { unpairSelf } from './9.2-unpair.ts'
import { closeSessions } from './9.3-close-sessions.ts'
import { unknownKeyAfterRevocation } from './9.3-unknown-key-after-revocation.ts'

export const cases: CaseDefinition[] = [unpairSelf, unknownKeyAfterRevocation, closeSessions]
