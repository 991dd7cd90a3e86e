// README.md's quick start as typed, in a fresh clone (packaging/readme-blocks.ts): `npm run
// conformance` builds and runs the whole harness against a reference device it starts. A file
// of its own because it is the longest block (tap's 300 s is per file).
import t from 'tap'
import { freePort } from '../bench/processes.ts'
import { Clone, README_BLOCKS } from './readme-blocks.ts'

// a build and the whole harness exceed the 300 s of .taprc on a loaded machine.
t.setTimeout(480_000)

t.test('the quick start of README.md, typed into a fresh clone', async (t) => {
  const clone = Clone.create(await freePort())
  t.teardown(() => clone.remove())
  const blocks = README_BLOCKS.filter((b) => b.directive?.kind === 'run' && b.directive.session === 'quickstart')
  t.equal(blocks.length, 1)
  const typed: string[] = []
  for (const command of blocks[0]!.commands) {
    const { typed: line, result } = await clone.type(command)
    if (line === null) continue
    typed.push(line)
    const said = result!.code === 0 ? '' : `\n${result!.stdout.slice(-3000)}\n${result!.stderr.slice(-3000)}`
    t.equal(result!.code, 0, `${line}${said}`)
    t.match(result!.stdout, /\d+ of \d+ MUST cases ran/, 'the harness ran its MUST cases')
  }
  t.same(typed, ['npm run conformance'], 'npm ci is the linked node_modules, npm test is this suite')
  t.equal(clone.gitStatus(), '', 'git status is clean')
})
