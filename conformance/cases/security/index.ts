/** The cases of spec §13 (security considerations) that judge a device over the wire. */
import type { CaseDefinition } from '../../model.ts'
import { secretsStayLocal } from './13.2-secrets-stay-local.ts'
import { freshEphemeral } from './13.3-fresh-ephemeral.ts'
import { noSecretsInErrors } from './13.8-no-secrets-in-errors.ts'
import { uniformCryptoErrors } from './13.8-uniform-crypto-errors.ts'

export const cases: CaseDefinition[] = [
  secretsStayLocal,
  freshEphemeral,
  noSecretsInErrors,
  uniformCryptoErrors,
]
