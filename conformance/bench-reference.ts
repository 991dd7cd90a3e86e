/**
 * `npm run bench:conformance`: the wall time of the default harness run against the reference
 * implementations (what `npm run conformance` does): server mode (device start-up and run),
 * client mode against the reference client, and both together as `npm run conformance` runs
 * them, printed as one JSON line and a sentence.
 */
import { pathToFileURL } from 'node:url'
import { parseClientArgs, parseServerArgs } from './cli.ts'
import { runClient } from './client/runner.ts'
import { referenceClientAdapter, startReference } from './reference-child.ts'
import { worseExit } from './run-reference.ts'
import { run } from './runner.ts'

const ms = (from: number, to: number): number => Math.round(to - from)

async function serverMode() {
  const t0 = performance.now()
  const device = await startReference()
  const t1 = performance.now()
  try {
    const args = ['--url', device.url, '--test-control', '--seed', '1']
    const outcome = await run(parseServerArgs(args).options)
    const t2 = performance.now()
    const summary = outcome.kind === 'done' ? outcome.report.summary : null
    return { startup_ms: ms(t0, t1), run_ms: ms(t1, t2), total_ms: ms(t0, t2), summary, exitCode: outcome.exitCode }
  } finally {
    await device.stop()
  }
}

async function clientMode() {
  const t0 = performance.now()
  const { options } = parseClientArgs(['--adapter', referenceClientAdapter(), '--seed', '1', '--nice', '10'])
  const outcome = await runClient(options)
  const summary = outcome.kind === 'done' ? outcome.report.summary : null
  return { total_ms: ms(t0, performance.now()), summary, exitCode: outcome.exitCode }
}

async function main(): Promise<number> {
  const t0 = performance.now()
  const [server, client] = await Promise.all([serverMode(), clientMode()])
  const totalMs = ms(t0, performance.now())
  const { exitCode: serverExit, ...serverResult } = server
  const { exitCode: clientExit, ...clientResult } = client
  const s = (value: number): string => (value / 1000).toFixed(1)
  process.stdout.write(`${JSON.stringify({ ...serverResult, client: clientResult, both_ms: totalMs })}\n`)
  process.stdout.write(
    `default run: ${s(totalMs)} s for both modes at once; server mode ${s(server.run_ms)} s ` +
      `(+ ${s(server.startup_ms)} s start-up), client mode ${s(client.total_ms)} s\n`,
  )
  return worseExit(serverExit, clientExit)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main()
  process.stdout.write('', () => process.exit(code))
}
