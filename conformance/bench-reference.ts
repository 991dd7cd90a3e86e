/**
 * `npm run bench:conformance`: the wall time of the default harness run against the reference
 * device (what `npm run conformance` does), split into device start-up and the run itself,
 * printed as one JSON line and a sentence.
 */
import { pathToFileURL } from 'node:url'
import { parseServerArgs } from './cli.ts'
import { startReference } from './reference-child.ts'
import { run } from './runner.ts'

async function main(): Promise<number> {
  const t0 = performance.now()
  const device = await startReference()
  const t1 = performance.now()
  try {
    const args = ['--url', device.url, '--test-control', '--seed', '1']
    const outcome = await run(parseServerArgs(args).options)
    const t2 = performance.now()
    const summary = outcome.kind === 'done' ? outcome.report.summary : null
    const ms = (from: number, to: number): number => Math.round(to - from)
    const result = { startup_ms: ms(t0, t1), run_ms: ms(t1, t2), total_ms: ms(t0, t2), summary }
    const s = (value: number): string => (value / 1000).toFixed(1)
    process.stdout.write(`${JSON.stringify(result)}\n`)
    const { run_ms: runMs, startup_ms: startupMs } = result
    process.stdout.write(`default run: ${s(runMs)} s (+ ${s(startupMs)} s start-up)\n`)
    return outcome.exitCode
  } finally {
    await device.stop()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main()
  process.stdout.write('', () => process.exit(code))
}
