/**
 * What proves each zaparoo-v1 emulator switch caught (spec/profiles/zaparoo-v1.md): the case a
 * fault must turn from `pass` to `fail`, the finding case a fix must turn from `finding` to `pass`,
 * and the mode (local or simulated remote) in which that rule applies. Shared by switches.test.ts
 * (npm test) and run-switches.ts (npm run conformance:faults), so both prove the same table.
 */
import { startEmulator, type EmulatorOptions } from './emulator.ts'
import type { Fault, Fix } from './switches.ts'
import type { ResultStatus } from '../../conformance/model.ts'
import { runProfile } from '../../conformance/profiles/zaparoo-v1/run.ts'

export type Mode = 'local' | 'remote'

/** The case each fault must fail, and the mode in which the rule applies. */
export const FAULT_CASES: Record<Fault, [string, Mode]> = {
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

export const FIX_CASES: Record<Fix, [string, Mode]> = {
  'no-plaintext-broadcast': ['7.1-plaintext-broadcast', 'remote'],
  'ttl-at-finish': ['7.2-ttl-at-finish', 'local'],
  'invalid-point-400': ['7.3-invalid-point', 'local'],
  'salts-forever': ['7.4-replay-after-eviction', 'local'],
  'problem-429': ['7.5-rate-limit-body', 'remote'],
}

/** A short PIN TTL so that 7.2-ttl-at-finish waits seconds, not 5 minutes. */
const PIN_TTL_MS = 2000

/** The verdict of one case against a fresh emulator with the given switches. */
export async function statusOf(
  caseId: string,
  mode: Mode,
  switches: Omit<EmulatorOptions, 'simulateRemote'>,
): Promise<ResultStatus> {
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
