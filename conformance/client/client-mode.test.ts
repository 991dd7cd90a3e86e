/**
 * Client mode of the harness (spec §14.3) against adapters that are not the reference client:
 * one that cannot be run (exit 2), one that always fails (MUST cases fail: exit 1), and the
 * registry's own rules (at least 60 cases, every one citing a client requirement).
 */
import t from 'tap'
import { runCli } from '../cli.ts'
import { specRequirements } from '../registry.ts'
import { clientCases } from './cases/index.ts'
import { clientRegistryProblems, loadClientCases } from './registry.ts'
import { runClient } from './runner.ts'
import { Writable } from 'node:stream'

const sink = (): Writable & { text: string } => {
  const stream = new Writable({ write(chunk: Buffer, _e, done) { stream.text += chunk.toString(); done() } }) as Writable & { text: string }
  stream.text = ''
  return stream
}

const base = { selection: { only: [], skip: [], level: 'should' as const }, seed: 1, runs: 2, timeoutMs: 10_000, jobs: 2 }

t.test('the client cases are at least 60, and each cites a client requirement of its section', async (t) => {
  const cases = loadClientCases()
  t.ok(cases.length >= 60, `${cases.length} client cases`)
  t.same(clientRegistryProblems(clientCases, specRequirements()), [])
  const deviceRule = specRequirements().find((r) => r.id === 'pw-pair-5.8-cb-after-ca')!
  const wrong = [{ ...clientCases[0]!, id: '5.8-wrong', requirement: deviceRule.id }]
  t.match(clientRegistryProblems(wrong, specRequirements()).join('\n'), /binds devices, not clients/)
})

t.test('an adapter the shell cannot run makes the run exit 2, with the reason', async (t) => {
  const outcome = await runClient({ ...base, adapter: '/nonexistent/pairwire-adapter' })
  t.equal(outcome.exitCode, 2)
  t.equal(outcome.kind, 'unusable')
  if (outcome.kind === 'unusable') t.match(outcome.message, /cannot be run/)
  t.equal(outcome.report.mode, 'client')
})

t.test('an adapter that fails every operation fails MUST cases (exit 1), and nothing is vacuous', async (t) => {
  const selection = { ...base.selection, only: ['12.3-pair-output', '5.9-client-wrong-cb', '7.5-client-bit-flip'] }
  const outcome = await runClient({ ...base, selection, adapter: 'sh -c "echo nope >&2; exit 3" --' })
  t.equal(outcome.exitCode, 1)
  const byId = Object.fromEntries(outcome.report.results.map((r) => [r.id, r.status]))
  t.equal(byId['12.3-pair-output'], 'fail', 'a client that cannot pair fails the output case')
  t.equal(byId['7.5-client-bit-flip'], 'fail', 'and every case that needs a paired client')
  // It stores nothing, but exit 3 (usage or I/O) is not the verification failure, exit 2, of §12.3.
  t.equal(byId['5.9-client-wrong-cb'], 'fail', 'exit 3 is not the verification failure (exit 2) of §12.3')
})

t.test('the CLI: client --list prints the cases; a missing --adapter is a usage error (exit 2)', async (t) => {
  const out = sink()
  const err = sink()
  t.equal(await runCli(['client', '--adapter', 'x', '--list', '--only', '7.5-*'], { stdout: out, stderr: err }), 0)
  t.match(out.text, /7\.5-client-bit-flip\tMUST\tpw-sess-7\.5-auth-failure/)
  t.equal(await runCli(['client'], { stdout: sink(), stderr: err }), 2)
  t.match(err.text, /--adapter CMD is required/)
})
