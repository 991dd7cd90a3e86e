/** Spec §15.5: the rules of a device's relayed streams, judged through a relay (--via-relay). */
import type { CaseDefinition } from '../../model.ts'
import { noPlainRpc } from './15.5-no-plain-rpc.ts'
import { noTestControl } from './15.5-no-test-control.ts'

export const cases: readonly CaseDefinition[] = [noTestControl, noPlainRpc]
