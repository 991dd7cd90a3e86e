/**
 * The harness's power on zaparoo-v1 (here, beside the emulator: conformance/ never imports
 * test-support/) (spec/profiles/zaparoo-v1.md): against the emulator in
 * test-support/zaparoo-emulator, every fault switch makes the case of the rule it breaks fail, and
 * every fix switch turns its finding case from `finding` into `pass`. The faithful emulator gives
 * `pass` for every listed case and `finding` for every finding case.
 */
import t from 'tap'
import { startEmulator, type EmulatorOptions } from './emulator.ts'
import { FAULTS, FIXES, type Fault, type Fix } from './switches.ts'
import type { ResultStatus } from '../../conformance/model.ts'
import { runProfile } from '../../conformance/profiles/zaparoo-v1/run.ts'

type Mode = 'local' | 'remote'

/** The case each fault must fail, and the mode in which the rule applies. */
const FAULT_CASES: Record<Fault, [string, Mode]> = {
  'no-pin-message': ['2.2-no-pin', 'local'],
  'no-name-limit': ['2.2-bad-request', 'local'],
  'no-msg-limit': ['2.2-msg-too-long', 'local'],
  'unlimited-attempts': ['2.3-attempt-budget', 'local'],
  'pin-reuse': ['2.3-single-success', 'local'],
  'server-confirm-label': ['2.3-finish-answer', 'local'],
  'msgb-role-0': ['3.1-message', 'local'],
  'any-version': ['5.1-unsupported-version', 'local'],
  'remote-plaintext': ['5.1-plaintext-policy', 'remote'],
  'nonce-no-xor': ['5.2-keys-nonces', 'local'],
  'pong-no-counter': ['5.2-counters', 'local'],
  'no-salt-dedup': ['5.3-silent-close', 'local'],
}

const FIX_CASES: Record<Fix, [string, Mode]> = {
  'no-plaintext-broadcast': ['7.1-plaintext-broadcast', 'remote'],
  'ttl-at-finish': ['7.2-ttl-at-finish', 'local'],
  'invalid-point-400': ['7.3-invalid-point', 'local'],
  'salts-forever': ['7.4-replay-after-eviction', 'local'],
  'problem-429': ['7.5-rate-limit-body', 'remote'],
}

/** A short PIN TTL so that 7.2-ttl-at-finish waits seconds, not 5 minutes. */
const PIN_TTL_MS = 2000

async function statusOf(caseId: string, mode: Mode, switches: Omit<EmulatorOptions, 'simulateRemote'>): Promise<ResultStatus> {
  const emulator = await startEmulator({ ...switches, simulateRemote: mode === 'remote', pinTtlMs: PIN_TTL_MS })
  try {
    const outcome = await runProfile({
      url: emulator.url,
      remote: mode === 'remote',
      pins: mode === 'remote' ? { kind: 'command', command: `node test-support/zaparoo-emulator/pin-command.mjs ${emulator.url}` } : { kind: 'local-rpc' },
      selection: { only: [caseId], skip: [], level: 'should' },
      seed: 7,
      runs: 10,
      timeoutMs: 5000,
      slow: false,
    })
    if (outcome.kind !== 'done') throw new Error(outcome.message)
    return outcome.report.results[0]!.status
  } finally {
    await emulator.close()
  }
}

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
