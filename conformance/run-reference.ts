/**
 * `npm run conformance [-- harness options]`: both modes of the harness against the reference
 * implementations, at the same time (spec §14.2). Server mode: the reference device started
 * with the test-control interface and short limits (reference-child.ts), judged with
 * --test-control; client mode: the reference client judged through its adapter (§12.3) by the
 * harness's own device. Server mode spends most of its time waiting out TTLs and client mode
 * is process start-ups, so running them together costs little more than the longer one.
 *
 *   npm run conformance                     both modes; options go to server mode
 *   npm run conformance -- server [opts]    server mode only
 *   npm run conformance -- client [opts]    client mode only (--adapter defaults to the reference)
 *
 * The reports are printed one after the other; the exit code is the worse of the two (1, then
 * 2, then 3, then 0).
 */
import { Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { runCli, type CliIo } from './cli.ts'
import { referenceClientAdapter, startReference } from './reference-child.ts'

/** Runs server mode once against a fresh reference device; resolves to its exit code. */
export async function runAgainstReference(
  harnessArgs: readonly string[],
  deviceArgs: readonly string[] = [],
  io: CliIo = process,
): Promise<number> {
  const device = await startReference(deviceArgs)
  try {
    return await runCli(['server', '--url', device.url, '--test-control', ...harnessArgs], io)
  } finally {
    await device.stop()
  }
}

/** Runs client mode against the reference client; resolves to its exit code. */
export function runClientAgainstReference(harnessArgs: readonly string[], io: CliIo = process): Promise<number> {
  const adapter = harnessArgs.includes('--adapter') ? [] : ['--adapter', referenceClientAdapter()]
  return runCli(['client', ...adapter, ...harnessArgs], io)
}

/** Collects what a mode writes to stdout, to print its report whole after the run. */
function buffered(): { stream: Writable; text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, text: () => text }
}

/** Progress of one mode on stderr, each line prefixed with the mode. */
function prefixed(mode: string): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = chunk.toString().split('\n')
      const out = lines.map((l, i) => (l === '' && i === lines.length - 1 ? '' : `${mode}: ${l}`)).join('\n')
      process.stderr.write(out, () => done())
    },
  })
}

/** The worse of two exit codes: 1 outranks 2, 2 outranks 3, 3 outranks 0. */
export function worseExit(a: number, b: number): number {
  const rank = (code: number): number => [0, 3, 2, 1].indexOf(code)
  return rank(a) >= rank(b) ? a : b
}

export async function runBothModes(serverArgs: readonly string[], clientArgs: readonly string[] = []): Promise<number> {
  const server = buffered()
  const client = buffered()
  const [serverCode, clientCode] = await Promise.all([
    runAgainstReference(serverArgs, [], { stdout: server.stream, stderr: prefixed('server') }),
    // Client mode yields the CPU to server mode, whose rate and timing cases need it on time.
    runClientAgainstReference(['--nice', '10', ...clientArgs], { stdout: client.stream, stderr: prefixed('client') }),
  ])
  process.stdout.write(`${server.text()}\n${client.text()}`)
  process.stdout.write(`server mode exit ${serverCode}, client mode exit ${clientCode}\n`)
  return worseExit(serverCode, clientCode)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, ...rest] = process.argv.slice(2)
  const work =
    mode === 'server'
      ? runAgainstReference(rest)
      : mode === 'client'
        ? runClientAgainstReference(rest)
        : runBothModes(process.argv.slice(2))
  const code = await work.catch((error: unknown) => {
    process.stderr.write(`conformance: ${(error as Error).message}\n`)
    return 2
  })
  process.stdout.write('', () => process.exit(code))
}
