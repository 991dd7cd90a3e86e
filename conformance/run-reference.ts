/**
 * `npm run conformance [-- harness options]`: starts the reference device with the test-control
 * interface and short limits (reference-child.ts), runs the harness against it in this process
 * with --test-control, prints the report, stops the device and exits with the harness's code.
 */
import { pathToFileURL } from 'node:url'
import { runCli } from './cli.ts'
import { startReference } from './reference-child.ts'

/** Runs the harness once against a fresh reference device; resolves to its exit code. */
export async function runAgainstReference(
  harnessArgs: readonly string[],
  deviceArgs: readonly string[] = [],
): Promise<number> {
  const device = await startReference(deviceArgs)
  try {
    return await runCli(['server', '--url', device.url, '--test-control', ...harnessArgs])
  } finally {
    await device.stop()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runAgainstReference(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`conformance: ${(error as Error).message}\n`)
    return 2
  })
  process.stdout.write('', () => process.exit(code))
}
