/**
 * The §7.10 checks of every client-mode session (checks.ts): a packed plaintext on a session
 * whose message 2 did not accept json_seq fails the client, naming
 * pw-sess-7.10-only-when-accepted, and one of more than 64 elements, naming
 * pw-sess-7.10-at-most-64; an accepted one of 64 or fewer does not.
 */
import t from 'tap'
import { packedAtMost64, packedOnlyWhenAccepted } from './checks.ts'
import type { SessionRecord } from './device.ts'
import type { Outcome } from './model.ts'

function outcomeWith(packed: SessionRecord['packed']): Outcome {
  const session: SessionRecord = {
    kind: 'session', at: 0, path: '/pairwire/v1/ws', ticket: 't', frames: [], requests: [], sent: [],
    packed, pongs: [], framesAfterBreak: 0, broken: false,
  }
  const run = { exitCode: 0, timedOut: false, stdout: '', stderr: '' } as unknown as Outcome['run']
  return { run, credentials: { exists: true, mode: 0o600 }, log: [session] }
}

t.test('a packed plaintext message 2 did not accept fails the client', async (t) => {
  const verdict = packedOnlyWhenAccepted(outcomeWith([{ elements: 2, accepted: false }]))
  t.match(verdict, { status: 'fail', message: /pw-sess-7\.10-only-when-accepted/, actual: ['a packed plaintext of 2 elements'] })
})

t.test('none, or only accepted ones: no failure', async (t) => {
  t.equal(packedOnlyWhenAccepted(outcomeWith([])), null)
  t.equal(packedOnlyWhenAccepted(outcomeWith([{ elements: 3, accepted: true }])), null)
})

t.test('a packed plaintext of 65 elements fails the client; 64 do not', async (t) => {
  const verdict = packedAtMost64(outcomeWith([{ elements: 64, accepted: true }, { elements: 65, accepted: true }]))
  t.match(verdict, { status: 'fail', message: /pw-sess-7\.10-at-most-64/, actual: ['a packed plaintext of 65 elements'] })
  t.equal(packedAtMost64(outcomeWith([{ elements: 64, accepted: true }])), null)
  t.equal(packedAtMost64(outcomeWith([])), null)
})
