/**
 * Runs the Python consumer (vectors/examples/python/verify_vectors.py) on the vector files: it must
 * pass every vector, and must catch a vector whose expected outcome was altered. It needs a
 * Python 3 with `cryptography`; when there is none the test fails (CI installs
 * python3-cryptography), it never skips.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { VECTORS_DIR } from './generate.ts'

const SCRIPT = join(VECTORS_DIR, 'examples', 'python', 'verify_vectors.py')
const FILES = ['pairing.json', 'session.json', 'signing.json'] as const
const CANDIDATES = ['python3', '/usr/bin/python3']

function pythonWithCryptography(): string | undefined {
  return CANDIDATES.find((python) => {
    const probe = spawnSync(python, ['-c', 'import cryptography'], { encoding: 'utf8' })
    return probe.status === 0
  })
}

const read = (name: string): string => readFileSync(join(VECTORS_DIR, name), 'utf8')
const countOf = (name: string): number =>
  (JSON.parse(read(name)) as { numberOfTests: number }).numberOfTests

const python = pythonWithCryptography()

if (python === undefined) {
  t.fail(`none of ${CANDIDATES.join(', ')} can import cryptography: ` +
    'install python3-cryptography (apt) or `pip install cryptography`')
} else {
  consumerTests(python)
}

function consumerTests(python: string): void {
t.test('the Python consumer passes every vector', async (t) => {
  const run = spawnSync(python, [SCRIPT], { encoding: 'utf8' })
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.same(run.stdout.trim().split('\n'), FILES.map((f) => `${f}: ${countOf(f)} passed, 0 failed`))
})

t.test('the Python consumer catches altered expectations', async (t) => {
  const alter = (name: string, from: RegExp, to: string): string => {
    const text = read(name)
    t.match(text, from, `${name} has ${from}`)
    return text.replace(from, to)
  }
  const dir = t.testdir({
    // A PIN with a wrong w, a replayed frame closing with the wrong code, and a tampered
    // signature expected to be refused as a replayed nonce.
    'pairing.json': alter('pairing.json', /"w": "3d4f/, '"w": "3d4e'),
    'session.json': alter('session.json', /"close_code": 4422/, '"close_code": 4401'),
    'signing.json': alter('signing.json',
      /"problem": "urn:pairwire:error:signature-invalid"/,
      '"problem": "urn:pairwire:error:replayed-nonce"'),
  })
  const run = spawnSync(python, [SCRIPT, dir], { encoding: 'utf8' })
  t.equal(run.status, 1)
  for (const f of FILES) t.match(run.stdout, `${f}: ${countOf(f) - 1} passed, 1 failed`)
})

t.test('the Python consumer catches an altered packed-plaintext expectation (spec §7.10)', async (t) => {
  const session = read('session.json')
  const tooMany = /"elements": \[\]/
  t.match(session, tooMany, 'session.json has the step of 65 elements, none processed')
  // The step of 65 elements (none processed, one -32600) altered to expect one element processed.
  const dir = t.testdir({ 'pairing.json': read('pairing.json'), 'signing.json': read('signing.json'),
    'session.json': session.replace(tooMany, '"elements": ["not what the device processes"]') })
  const run = spawnSync(python, [SCRIPT, dir], { encoding: 'utf8' })
  t.equal(run.status, 1)
  t.match(run.stdout, `session.json: ${countOf('session.json') - 1} passed, 1 failed`)
})
}
