/**
 * The CI check of `npm run bench`: `--quick` (tiny durations, one repetition, 200 sessions, no
 * conformance run) exits 0 and writes a results file that matches schemas/bench-results.schema.json
 * with a row for every scenario. The quick results go to a temporary file, never over the
 * checked-in bench/results.json.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import t from 'tap'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SCHEMA = join(ROOT, 'schemas', 'bench-results.schema.json')
// Three servers per scenario (plain, wss + bearer, Pairwire) on a shared 2-core machine.
const QUICK_RUN_LIMIT_MS = 240_000

t.setTimeout(QUICK_RUN_LIMIT_MS + 10_000)

t.test('npm run bench -- --quick writes valid results for every scenario', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pairwire-bench-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const out = join(dir, 'results.json')
  const args = ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out]
  const run = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: QUICK_RUN_LIMIT_MS,
  })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /plain +wss +pairwire +wss\/plain +pw\/plain +pw\/wss/, 'prints the three-way table')

  const results = JSON.parse(readFileSync(out, 'utf8')) as {
    quick: boolean
    results: {
      id: string
      status: string
      ratio: number | null
      wss: number | null
      vs_wss: number | null
    }[]
  }
  const validate = new Ajv2020({ strict: true }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')))
  t.ok(validate(results), JSON.stringify(validate.errors))
  t.equal(results.quick, true)
  t.same(results.results.map((r) => r.id), [
    'session-throughput-1k',
    'session-throughput-16k',
    'session-latency',
    'connection-setup',
    'connection-setup-ticket',
    'signed-http-memory',
    'signed-http-redis',
    'signed-http-memory-cpu',
    'signed-http-redis-cpu',
    'signed-http-hmac-cpu',
    'pairing-rate',
    'pair-start-cpu',
    'session-memory',
    'session-scaling',
    'relay-throughput-1k',
    'relay-latency',
    'conformance-run',
  ])
  const compared = results.results.filter((r) => r.id.startsWith('session-throughput'))
  for (const row of compared) {
    t.equal(row.status, 'measured', row.id)
    t.ok(row.ratio !== null && row.ratio > 0, `${row.id} has a ratio`)
    t.ok(row.wss !== null && row.wss > 0, `${row.id} has a wss + bearer figure`)
    t.ok(row.vs_wss !== null && row.vs_wss > 0, `${row.id} has a pairwire / wss ratio`)
  }
})
