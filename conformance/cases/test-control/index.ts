/** The cases of spec §12 (the optional test-control interface) that judge a device. */
import type { CaseDefinition } from '../../model.ts'
import { loopbackOnly } from './12.1-loopback-only.ts'
import { disabledNotFound } from './12.2-disabled-not-found.ts'
import { opensWindow } from './12.2-opens-window.ts'
import { ttlRange } from './12.2-ttl-range.ts'
import { revokesAsOperator } from './12.4-revokes-as-operator.ts'
import { unknownClient } from './12.4-unknown-client.ts'

export const cases: CaseDefinition[] = [
  loopbackOnly,
  disabledNotFound,
  opensWindow,
  ttlRange,
  revokesAsOperator,
  unknownClient,
]
