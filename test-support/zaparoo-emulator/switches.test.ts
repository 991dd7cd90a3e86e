/**
 * The harness's power on zaparoo-v1 (here, beside the emulator: conformance/ never imports
 * test-support/) (spec/profiles/zaparoo-v1.md): against the emulator in
 * test-support/zaparoo-emulator, every fault switch makes the case of the rule it breaks fail, and
 * every fix switch turns its finding case from `finding` into `pass`. The faithful emulator gives
 * `pass` for every listed case and `finding` for every finding case.
 */
import t from 'tap'
import { FAULTS, FIXES, type Fault, type Fix } from './switches.ts'
import { FAULT_CASES, FIX_CASES, statusOf, type Mode } from './switch-proof.ts'

t.test('every switch has a case', async (t) => {
  t.same(Object.keys(FAULT_CASES).sort(), Object.keys(FAULTS).sort())
  t.same(Object.keys(FIX_CASES).sort(), Object.keys(FIXES).sort())
})

for (const [fault, [caseId, mode]] of Object.entries(FAULT_CASES) as [Fault, [string, Mode]][]) {
  t.test(`fault ${fault}: ${caseId} passes without it and fails with it`, async (t) => {
    t.equal(await statusOf(caseId, mode, {}), 'pass')
    t.equal(await statusOf(caseId, mode, { faults: [fault] }), 'fail')
  })
}

for (const [fix, [caseId, mode]] of Object.entries(FIX_CASES) as [Fix, [string, Mode]][]) {
  t.test(`fix ${fix}: ${caseId} is a finding without it and passes with it`, async (t) => {
    t.equal(await statusOf(caseId, mode, {}), 'finding')
    t.equal(await statusOf(caseId, mode, { fixes: [fix] }), 'pass')
  })
}
