// README.md as typed, in a fresh clone (packaging/readme-blocks.ts): every block of session
// "main" (pair with `npm start`, the operator commands, the CI device, judging it), after the
// `npm ci` of the quick start (whose `npm run conformance` readme-quickstart.test.ts types).
// No secret lands in the clone: the credentials go to the per-user config directory.
import { statSync } from 'node:fs'
import t from 'tap'
import { freePort } from '../bench/processes.ts'
import { Clone, README_BLOCKS, SUBSTITUTIONS } from './readme-blocks.ts'
import { run } from './processes.ts'

// a build, a device started from source and a whole harness run at the default limits (about 2 min of mostly waiting) exceed the 300 s of .taprc on a loaded machine.
t.setTimeout(600_000)

t.test('every command block of README.md says whether it is typed by a test', async (t) => {
  t.ok(README_BLOCKS.length >= 6, `${README_BLOCKS.length} sh blocks`)
  for (const block of README_BLOCKS) {
    t.not(block.directive, null, `README.md:${block.line} has a <!-- readme-test: run|skip ... --> line`)
    t.ok(block.commands.length > 0, `README.md:${block.line} holds commands`)
  }
  const sessions = new Set(README_BLOCKS.flatMap((b) => (b.directive?.kind === 'run' ? [b.directive.session] : [])))
  t.same([...sessions].sort(), ['main', 'quickstart'], 'the sessions the two README tests type')
})

t.test('the main session of README.md, typed into a fresh clone', async (t) => {
  const clone = Clone.create(await freePort())
  t.teardown(() => clone.remove())
  t.comment(`differences from a terminal: ${SUBSTITUTIONS.map((s) => `${s.what} (${s.why})`).join('; ')}`)
  // The quick start's `npm ci` builds dist/ (its prepare script); the clone has node_modules.
  const built = await run('npm', ['run', 'build', '--silent'], { cwd: clone.dir, env: clone.env })
  t.equal(built.code, 0, `npm run build: ${built.stdout}${built.stderr}`)

  for (const block of README_BLOCKS) {
    if (block.directive?.kind !== 'run' || block.directive.session !== 'main') continue
    for (const command of block.commands) {
      const typed = await clone.type(command)
      const result = typed.result!
      const said = result.code === 0 ? '' : `\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`
      t.equal(result.code, 0, `README.md:${block.line}: ${typed.typed}${said}`)
      if (command.includes('reference-client/cli.js pair')) {
        const file = clone.credentialsFile()
        t.ok(file !== null, 'the credentials are in $XDG_CONFIG_HOME/pairwire/credentials.json')
        if (file !== null) t.equal(statSync(file).mode & 0o777, 0o600)
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
