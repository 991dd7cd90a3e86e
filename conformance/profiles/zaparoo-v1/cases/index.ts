/** Every zaparoo-v1 case, in the order of spec/profiles/zaparoo-v1.md; findings (§7) last. */
import type { ProfileCase } from '../context.ts'
import { localPin } from './2.1-local-pin.ts'
import { cases as start } from './2.2-start.ts'
import { cases as finish } from './2.3-finish.ts'
import { cases as pake } from './3-pake.ts'
import { cases as firstFrame } from './5.1-first-frame.ts'
import { cases as counters } from './5.2-counters.ts'
import { cases as silentClose } from './5.3-silent-close.ts'
import { cases as findings } from './7-findings.ts'

export const cases: readonly ProfileCase[] = [
  localPin,
  ...start,
  ...finish,
  ...pake,
  ...firstFrame,
  ...counters,
  ...silentClose,
  ...findings,
]
