/**
 * The vector replay cases (spec §14, DESIGN §5): the tests of vectors/*.json marked `wire: device`
 * sent to the device and judged by the vectors' own expected answers.
 */
import type { CaseDefinition } from '../../model.ts'
import { vectorShares } from './5.7-vector-shares.ts'
import { vectorScripts } from './7.5-vector-scripts.ts'
import { vectorRequests } from './8.7-vector-requests.ts'

export const cases: readonly CaseDefinition[] = [vectorShares, vectorScripts, vectorRequests]
