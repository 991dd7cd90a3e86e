// README.md as typed, in one fresh clone (packaging/readme-blocks.ts): the quick start (`npm run
// conformance` builds dist/ and runs the whole harness against a reference device it starts),
// then every block of session "main" (pair with `npm start`, the operator commands, the CI
// device, judging it with the whole harness at the default limits). One clone, so the quick
// start's build serves the rest. No secret lands in the clone: the credentials go to the
// per-user config directory.
import { statSync } from 'node:fs'
import t from 'tap'
import { freePort } from '../bench/processes.ts'
import type { Finished } from './processes.ts'
import { Clone, README_BLOCKS, SUBSTITUTIONS } from './readme-blocks.ts'

// A build, two whole harness runs (the second at the default limits, about 2 min of mostly
// waiting on the device's TTLs and rate limits) and a device started from source: more than the
// 300 s of .taprc on a loaded machine.
t.setTimeout(900_000)

/** What a failed command said: its failing cases and its last lines. */
function said(result: Finished): string {
  if (result.code === 0) return ''
  // The terminal report's FAIL lines (conformance/report/terminal.ts) and the two lines after each.
  const lines = result.stdout.split('\n')
  const failing = lines.flatMap((line, i) => (/^\s*FAIL\s/.test(line) ? lines.slice(i, i + 3) : []))
  return `\n${failing.join('\n')}\n…${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`
}

const blocksOf = (session: string) =>
  README_BLOCKS.filter((b) => b.directive?.kind === 'run' && b.directive.session === session)

t.test('every command block of README.md says whether it is typed by a test', async (t) => {
  t.ok(README_BLOCKS.length >= 6, `${README_BLOCKS.length} sh blocks`)
  for (const block of README_BLOCKS) {
    t.not(block.directive, null, `README.md:${block.line} has a <!-- readme-test: run|skip ... --> line`)
    t.ok(block.commands.length > 0, `README.md:${block.line} holds commands`)
  }
  const sessions = new Set(README_BLOCKS.flatMap((b) => (b.directive?.kind === 'run' ? [b.directive.session] : [])))
  t.same([...sessions].sort(), ['main', 'quickstart'], 'the sessions this test types')
})

t.test('README.md typed into a fresh clone: the quick start, then the main session', async (t) => {
  const clone = Clone.create(await freePort())
  t.teardown(() => clone.remove())
  t.comment(`differences from a terminal: ${SUBSTITUTIONS.map((s) => `${s.what} (${s.why})`).join('; ')}`)

  const quickstart: string[] = []
  for (const block of blocksOf('quickstart')) {
    for (const command of block.commands) {
      const { typed, result } = await clone.type(command)
      if (typed === null) continue
      quickstart.push(typed)
      t.equal(result!.code, 0, `README.md:${block.line}: ${typed}${said(result!)}`)
      t.match(result!.stdout, /\d+ of \d+ MUST cases ran/, 'the harness ran its MUST cases')
    }
  }
  t.same(quickstart, ['npm run conformance'], 'npm ci is the linked node_modules, npm test is this suite')

  for (const block of blocksOf('main')) {
    for (const command of block.commands) {
      const typed = await clone.type(command)
      const result = typed.result!
      t.equal(result.code, 0, `README.md:${block.line}: ${typed.typed}${said(result)}`)
      if (command.includes('reference-client/cli.js pair')) {
        const file = clone.credentialsFile()
        t.ok(file !== null, 'the credentials are in $XDG_CONFIG_HOME/pairwire/credentials.json')
        if (file !== null) t.equal(statSync(file).mode & 0o777, 0o600, 'mode 0600')
      }
      if (command.includes('pairwire.echo')) t.match(result.stdout, /"result":\{"hello":"world"\}/, 'the echo came back')
      if (command.includes('clients revoke')) t.match(result.stdout, /client-revoked/)
      if (command.includes('dist/conformance/cli.js server')) t.match(result.stdout, /\d+ of \d+ MUST cases ran/)
    }
  }
  await clone.stopBackground()
  t.same(clone.secretsInClone(), [], 'no credentials file anywhere in the clone')
  t.equal(clone.gitStatus(), '', 'git status is clean: what the commands left is ignored (.pairwire/, dist/, reports)')
})
