// README.md as typed, in one fresh clone (packaging/readme-blocks.ts): the quick start (`npm run
// conformance` builds dist/ and runs the whole harness against a reference device it starts),
// then every block of session "main" (pair with `npm start`, the operator commands, the CI
// device, judging it with the whole harness at the default limits and writing its three reports,
// which are checked). One clone, so the quick start's build serves the rest. Per-step timings go
// to the tap log. No secret lands in the clone: the credentials go to the per-user config directory.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import t, { type Test } from 'tap'
import { freePort } from '../bench/processes.ts'
import type { Finished } from './processes.ts'
import { Clone, README_BLOCKS, ROOT, SUBSTITUTIONS } from './readme-blocks.ts'

// A build, two whole harness runs and a device started from source: more than the
// 300 s of .taprc on a loaded machine.
t.setTimeout(900_000)

/** Runs `step`, printing how long it took to the tap log (which steps are the long ones). */
async function timed<T>(t: Test, what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    return await step()
  } finally {
    t.comment(`${((Date.now() - started) / 1000).toFixed(1)} s  ${what}`)
  }
}

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
  t.comment(`differences from a terminal: ${SUBSTITUTIONS.map((s) => `${s.what} (${s.why})`).join('; ')}`)
  const clone = await timed(t, 'git clone', async () => Clone.create(await freePort()))
  t.teardown(() => clone.remove())
  // One after the other in one clone: run side by side in two clones (tried), the two whole
  // harness runs loaded the machine until 2.6-problem-json-random got no answer to a random
  // pair/finish within 15 s in both runs. The quick start's build serves the main session.
  await timed(t, 'the quick start', () => quickstart(t, clone))
  await timed(t, 'the main session', () => mainSession(t, clone))
})

async function quickstart(t: Test, clone: Clone): Promise<void> {
  const typedCommands: string[] = []
  for (const block of blocksOf('quickstart')) {
    for (const command of block.commands) {
      const { typed, result } = await timed(t, command, () => clone.type(command))
      if (typed === null) continue
      typedCommands.push(typed)
      t.equal(result!.code, 0, `README.md:${block.line}: ${typed}${said(result!)}`)
      t.match(result!.stdout, /\d+ of \d+ MUST cases ran/, 'the harness ran its MUST cases')
      // Not even a SHOULD case fails against the reference implementations (terminal.ts: WARN).
      t.notMatch(result!.stdout, /^\s*(FAIL|WARN)\s/m, 'no case fails or warns')
    }
  }
  t.same(typedCommands, ['npm run conformance'], 'npm ci is the linked node_modules, npm test is this suite')
}

async function mainSession(t: Test, clone: Clone): Promise<void> {
  for (const block of blocksOf('main')) {
    for (const command of block.commands) {
      const typed = await timed(t, command, () => clone.type(command))
      const result = typed.result!
      t.equal(result.code, 0, `README.md:${block.line}: ${typed.typed}${said(result)}`)
      if (command.includes('reference-client/cli.js pair')) {
        const file = clone.credentialsFile()
        t.ok(file !== null, 'the credentials are in $XDG_CONFIG_HOME/pairwire/credentials.json')
        if (file !== null) t.equal(statSync(file).mode & 0o777, 0o600, 'mode 0600')
      }
      if (command.includes('pairwire.echo')) t.match(result.stdout, /"result":\{"hello":"world"\}/, 'the echo came back')
      if (command.includes('clients revoke')) t.match(result.stdout, /client-revoked/)
      if (command.includes('dist/conformance/cli.js server')) {
        t.match(result.stdout, /\d+ of \d+ MUST cases ran/)
        checkReports(t, clone.dir)
      }
    }
  }
  await clone.stopBackground()
  t.same(clone.secretsInClone(), [], 'no credentials file anywhere in the clone')
  t.equal(clone.gitStatus(), '', 'git status is clean: what the commands left is ignored (.pairwire/, dist/, reports)')
}

/** The judge run's three reports (README "Judge your own device"): valid, and of the same run. */
function checkReports(t: Test, dir: string): void {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'conformance-report.schema.json'), 'utf8')) as object
  const validate = new Ajv2020({ strict: true }).compile(schema)
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { results?: { id: string; status: string }[] }
  t.ok(validate(report), `report.json matches schemas/conformance-report.schema.json ${JSON.stringify(validate.errors)}`)
  const results = report.results ?? []
  t.ok(results.length > 0, `report.json holds ${results.length} results`)
  const xml = readFileSync(join(dir, 'report.xml'), 'utf8')
  t.match(xml, /^<\?xml[^>]*>\s*<testsuites?[\s>]/, 'report.xml is a JUnit XML document')
  t.equal((xml.match(/<testcase[\s>]/g) ?? []).length, results.length, 'report.xml has a testcase per result of report.json')
  const html = readFileSync(join(dir, 'report.html'), 'utf8')
  t.match(html, /^<!doctype html>/i, 'report.html is an HTML document')
  t.ok(results.every((r) => html.includes(r.id)), 'report.html names every case of report.json')
}
