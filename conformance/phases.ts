/**
 * Run phases of the conformance harness (CaseDefinition.phase): the runner orders cases by phase,
 * so that cases spending a budget of the device (spec §10) run after every case that needs it.
 */
export const PHASES = {
  /**
   * Cases that spend most of their time waiting out a device timer on resources of their own and
   * call CaseContext.waitAlongside(): they start first so that their waits overlap each other and,
   * when only lateness is judged ('late-is-fine'), the normal phase; the runner awaits them all
   * before the budgets phase.
   */
  timers: -1,
  /** Every case that leaves the device's budgets as it found them. */
  normal: 0,
  /** Cases that hold the in-flight byte budget or a per-client rate bucket for a while. */
  budgets: 1,
  /** Cases that empty the per-IP rate bucket of the harness's address: nothing can follow. */
  perIpRate: 2,
} as const

