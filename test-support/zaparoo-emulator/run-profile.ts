/**
 * `npm run conformance:zaparoo [-- --remote] [-- --fixed] [harness options]`: starts the zaparoo-v1
 * emulator and runs `pairwire-conformance server --profile zaparoo-v1` against it. --remote
 * treats the harness as remote (PINs through the emulator's pin command, 1 request/s pacing);
 * --fixed turns on every fix switch, so the findings become passes. Exits with the harness's code.
 */
import { runCli } from '../../conformance/cli.ts'
import { startEmulator } from './emulator.ts'
import { FIXES, type Fix } from './switches.ts'

const argv = process.argv.slice(2)
const remote = argv.includes('--remote')
const fixed = argv.includes('--fixed')
const rest = argv.filter((a) => a !== '--fixed')
const emulator = await startEmulator({ simulateRemote: remote, fixes: fixed ? (Object.keys(FIXES) as Fix[]) : [] })
const pins = remote ? ['--pin-command', `node test-support/zaparoo-emulator/pin-command.mjs ${emulator.url}`] : []
const code = await runCli(['server', '--profile', 'zaparoo-v1', '--url', emulator.url, ...pins, ...rest])
await emulator.close()
process.stdout.write('', () => process.exit(code))
