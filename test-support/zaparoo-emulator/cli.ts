/**
 * Runs the zaparoo-v1 emulator: `tsx test-support/zaparoo-emulator/cli.ts [--port N] [--remote]
 * [--fault NAME]... [--fix NAME]... [--fixed]`; prints its URL and runs until killed.
 * `--fixed` turns every fix on (the variant that has none of the profile's findings).
 */
import { parseArgs } from 'node:util'
import { startEmulator } from './emulator.ts'
import { FAULTS, FIXES, type Fault, type Fix } from './switches.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    remote: { type: 'boolean', default: false },
    fault: { type: 'string', multiple: true, default: [] },
    fix: { type: 'string', multiple: true, default: [] },
    fixed: { type: 'boolean', default: false },
  },
})
for (const f of values.fault) if (!(f in FAULTS)) throw new Error(`unknown fault ${f}`)
for (const f of values.fix) if (!(f in FIXES)) throw new Error(`unknown fix ${f}`)
const emulator = await startEmulator({
  port: Number(values.port),
  simulateRemote: values.remote,
  faults: values.fault as Fault[],
  fixes: (values.fixed ? Object.keys(FIXES) : values.fix) as Fix[],
})
process.stdout.write(`${emulator.url}\n`)
