/**
 * `npm run bench:setup` (bench/setup-phases.ts) from source, one short repetition: it exits 0 and
 * prints a figure for every step, each a positive number of ms per set-up.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const LIMIT_MS = 120_000

t.setTimeout(LIMIT_MS + 10_000)

t.test('bench:setup prints ms per set-up for every step', async (t) => {
  const args = ['--import', 'tsx', 'bench/setup-phases.ts', '--reps', '1', '--seconds', '0.3']
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: LIMIT_MS })
  t.equal(run.status, 0, run.stderr)
  const steps = [
    'TLS 1.3 + upgrade + close',
    'TLS 1.3 + upgrade + echo + close',
    'signed ticket request',
    'ticket + upgrade + Noise + close',
    'ticket + upgrade + Noise + echo + close',
    'Noise NNpsk0, both sides in one process (no I/O)',
  ]
  for (const step of steps) {
    const row = run.stdout.split('\n').find((line) => line.includes(`  ${step}  `))
    const ms = Number(row?.slice(row.indexOf(step) + step.length).trim().split(/\s+/)[0])
    t.ok(ms > 0, `${step}: ${ms} ms per set-up`)
  }
})
