/**
 * `tsx test-support/zaparoo-emulator/run-switches.ts`: the zaparoo-v1 half of
 * `npm run conformance:faults` (conformance/run-faults.ts runs it as a child process, since
 * conformance/ never imports test-support/). For every emulator switch it runs the case of
 * switch-proof.ts against the faithful emulator and against the switched one: a fault is caught
 * when its case goes from pass to fail, a fix when its finding case goes from finding to pass.
 * Prints one line per switch and the ratio; exits 1 when any switch is not caught.
 */
import { FAULT_CASES, FIX_CASES, statusOf, type Mode } from './switch-proof.ts'
import type { Fault, Fix } from './switches.ts'

interface Proof {
  readonly kind: 'fault' | 'fix'
  readonly name: string
  readonly caseId: string
  readonly without: string
  readonly with: string
  readonly caught: boolean
}

async function prove(kind: 'fault' | 'fix', name: string, caseId: string, mode: Mode): Promise<Proof> {
  const without = await statusOf(caseId, mode, {})
  const switched = kind === 'fault' ? { faults: [name as Fault] } : { fixes: [name as Fix] }
  const withIt = await statusOf(caseId, mode, switched)
  const caught = kind === 'fault'
    ? without === 'pass' && withIt === 'fail'
    : without === 'finding' && withIt === 'pass'
  return { kind, name, caseId, without, with: withIt, caught }
}

const started = Date.now()
const proofs: Proof[] = []
// One at a time: the remote-mode cases pace to the emulator's 1 request/s pairing limit.
for (const [name, [caseId, mode]] of Object.entries(FAULT_CASES)) proofs.push(await prove('fault', name, caseId, mode))
for (const [name, [caseId, mode]] of Object.entries(FIX_CASES)) proofs.push(await prove('fix', name, caseId, mode))
const width = Math.max(...proofs.map((p) => p.name.length + p.kind.length + 1))
for (const p of proofs) {
  const verdict = p.caught ? 'caught' : 'NOT CAUGHT'
  process.stdout.write(`${`${p.kind} ${p.name}`.padEnd(width)}  ${verdict.padEnd(10)}  ${p.caseId}: ${p.without} -> ${p.with}\n`)
}
const caught = proofs.filter((p) => p.caught).length
const seconds = ((Date.now() - started) / 1000).toFixed(1)
process.stdout.write(`\nzaparoo-v1 emulator: caught ${caught} of ${proofs.length} switches (${((100 * caught) / proofs.length).toFixed(0)}%); ${seconds} s\n`)
process.stdout.write('', () => process.exit(caught === proofs.length ? 0 : 1))
