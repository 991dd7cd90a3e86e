/** Every client-mode case, in run order: by section (spec §14.2). */
import type { ClientCaseDefinition } from '../model.ts'
import { discoveryCases } from './4-discovery.ts'
import { pairingCases } from './5-pairing.ts'
import { ticketCases } from './6-tickets.ts'
import { sessionCases } from './7-sessions.ts'
import { signedCases } from './8-signed-http.ts'
import { registryCases } from './9-client-registry.ts'
import { limitCases } from './10-limits.ts'
import { adapterCases } from './12-adapter.ts'
import { securityCases } from './13-security.ts'
import { propertyCases } from './properties.ts'

export const clientCases: readonly ClientCaseDefinition[] = [
  ...discoveryCases,
  ...pairingCases,
  ...ticketCases,
  ...sessionCases,
  ...signedCases,
  ...registryCases,
  ...limitCases,
  ...adapterCases,
  ...securityCases,
  ...propertyCases,
]
