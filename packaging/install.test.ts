// Each package installs from its tarball into an empty project, offline, and runs as documented
// (issue 19 point 3): every bin's --help, a device paired with by the installed client and judged
// by the installed harness, the client imported as ESM, and a consumer type-checked against the
// shipped .d.ts with the repository's tsc.
//
// Offline: the project's lockfile names our tarballs (file:) and takes every third-party package
// from the repository's package-lock.json (same versions, same integrity), so `npm ci --offline`
// installs them from the npm cache that the repository's own `npm ci` filled. Nothing asks the
// registry; a cache without them fails with ENOTCACHED, not a download.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { freePort } from '../bench/processes.ts'
import { packAll, ROOT, sizeTable, type PackResult } from './pack.ts'
import { run, start, testPin } from './processes.ts'

interface LockEntry {
  version?: string
  resolved?: string
  dependencies?: Record<string, string>
  [field: string]: unknown
}

/** What a failed step said, for the assertion message; nothing for one that passed. */
const said = (step: { code: number | null; stdout: string; stderr: string }) =>
  step.code === 0 ? '' : `: ${step.stdout.slice(-1500)}${step.stderr.slice(-1500)}`

const manifestOf = (tarball: string) =>
  JSON.parse(execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as {
    name: string
    version: string
    dependencies?: Record<string, string>
    bin?: Record<string, string>
  }

/** package.json and package-lock.json of a project depending on every tarball. */
function writeProject(dir: string, packs: readonly PackResult[]): void {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>
  }
  const ours = new Map(packs.map((pack) => [pack.name, { pack, manifest: manifestOf(pack.tarball) }]))
  const dependencies = Object.fromEntries(packs.map((pack) => [pack.name, `file:${pack.tarball}`]))
  const packages: Record<string, LockEntry> = { '': { name: 'consumer', version: '1.0.0', dependencies } }
  const queue: [string, string][] = [] // [dependency, lock path of the package depending on it]
  for (const { pack, manifest } of ours.values()) {
    const path = `node_modules/${pack.name}`
    const { name: _name, ...rest } = { ...manifest, resolved: `file:${pack.tarball}` }
    packages[path] = rest
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push([dep, path])
  }
  while (queue.length > 0) {
    const [dep, from] = queue.pop()!
    if (ours.has(dep)) continue
    // npm's resolution: a copy nested under the dependent wins over the hoisted one.
    const nested = `${from}/node_modules/${dep}`
    const path = repoLock.packages[nested] !== undefined ? nested : `node_modules/${dep}`
    if (packages[path] !== undefined) continue
    const entry = repoLock.packages[path]
    if (entry === undefined) throw new Error(`package-lock.json has no ${dep}`)
    const { dev: _dev, devOptional: _devOptional, ...kept } = entry
    packages[path] = kept
    for (const next of Object.keys(entry.dependencies ?? {})) queue.push([next, path])
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies }))
  const lock = { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2))
}

const CONSUMER = `import { ClientError, connect, isClientError, pair, type Credentials } from '@pairwire/client'
import { readCredentialsFile } from '@pairwire/client/credentials-file'
import { PROBLEMS, problemType } from '@pairwire/protocol/registry.js'
import { createDevice } from '@pairwire/server'

export async function echo(url: string, pin: string): Promise<unknown> {
  const credentials: Credentials = await pair({ url, pin, name: 'consumer' })
  const session = await connect(credentials)
  try {
    return await session.request('pairwire.echo', { hello: 'world' })
  } finally {
    await session.close()
  }
}

export function explain(error: unknown): string {
  if (isClientError(error, 'problem') && error.problem?.type === problemType(PROBLEMS.confirmationFailed)) {
    return String(error.problem.attempts_remaining)
  }
  return error instanceof ClientError ? error.kind : 'other'
}

export const reader: (path: string) => Promise<Credentials> = readCredentialsFile
export const device: typeof createDevice = createDevice

// The shipped types are types, not any: each misuse below must be an error.
// @ts-expect-error pin is required
void pair({ url: 'http://127.0.0.1:1', name: 'x' })
// @ts-expect-error a ClientError kind is one of five names
export const kind: ClientError['kind'] = 'wrong'
`

// tsc, npm pack five times, npm ci and the runs exceed the 300 s of .taprc on a loaded machine.
t.setTimeout(480_000)

/** Runs `step`, printing how long it took to the tap log (which steps are the long ones). */
async function timed<T>(t: Test, what: string, step: () => T | Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    return await step()
  } finally {
    t.comment(`${((Date.now() - started) / 1000).toFixed(1)} s  ${what}`)
  }
}

t.test('every package packs, installs offline and runs as documented', async (t) => {
  const packs = await timed(t, 'pack (tsc emit, npm pack x5)', () => packAll())
  t.comment('\n' + sizeTable(packs))
  const byName = new Map(packs.map((pack) => [pack.name, pack]))
  t.same([...byName.keys()].sort(), ['@pairwire/client', '@pairwire/protocol', '@pairwire/server', '@pairwire/vectors', 'pairwire-conformance'])

  const clientDeps = Object.keys(manifestOf(byName.get('@pairwire/client')!.tarball).dependencies ?? {})
  for (const heavy of ['redis', '@redis/client', 'fast-check']) t.notOk(clientDeps.includes(heavy), `the client does not depend on ${heavy}`)
  const serverDeps = Object.keys(manifestOf(byName.get('@pairwire/server')!.tarball).dependencies ?? {})
  t.ok(serverDeps.includes('@redis/client') && !serverDeps.includes('redis'), 'the server uses @redis/client, not redis')
  for (const pack of packs) {
    t.notOk(pack.files.some((file) => /\.test\.|^test-support\/|^\.ci\//.test(file)), `${pack.name}: no test files`)
  }

  const dir = mkdtempSync(join(tmpdir(), 'pairwire-install-'))
  const project = join(dir, 'project')
  execFileSync('mkdir', [project])
  const devices: { stop(): Promise<void> }[] = []
  t.teardown(async () => {
    for (const device of devices) await device.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  writeProject(project, packs)
  const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config'), npm_config_audit: 'false', npm_config_fund: 'false' }
  const installed = await timed(t, 'npm ci --offline', () => run('npm', ['ci', '--offline', '--ignore-scripts'], { cwd: project, env }))
  t.equal(installed.code, 0, `npm ci --offline${said(installed)}`)
  if (installed.code !== 0) return

  const bin = (name: string) => join(project, 'node_modules', '.bin', name)

  // The checks below share nothing but the installed project, so they run at once.
  const helps = async () => {
    for (const name of ['pairwire-server', 'pairwire-client', 'pairwire-conformance']) {
      const help = await timed(t, `${name} --help`, () => run(bin(name), ['--help'], { cwd: project, env }))
      t.equal(help.code, 0, `${name} --help exits 0`)
      t.match(help.stdout, /^usage:/, `${name} --help prints its usage`)
    }
  }

  // The relay (spec §15) ships in @pairwire/server: a started relay answers a plain GET on its
  // device endpoint 426 upgrade-required before any upgrade (§15.2).
  const relayHelp = await run(bin('pairwire-relay'), ['--help'], { cwd: project, env })
  t.match(relayHelp, { code: 0, stdout: /^usage:/ }, 'pairwire-relay --help prints its usage')
  const relay = start(bin('pairwire-relay'), ['--port', String(await freePort())], { cwd: project, env })
  devices.push(relay)
  const relayUrl = (await relay.waitFor(/"event":"listening".*"url":"([^"]+)"/))[1]!.replace(/^ws:/, 'http:')
  const gate = await fetch(`${relayUrl}/pairwire-relay/v1/device?device_id=pwd_WBpa1THAAV32f_08mB9NFw`)
  t.equal(gate.status, 426, 'pairwire-relay: a plain GET gets 426')
  t.match(await gate.json(), { type: 'urn:pairwire:error:upgrade-required' })

  // A short real run: the installed device, paired with by the installed client, judged by the
  // installed harness, then paired with by the client library imported as ESM. One after
  // another: each pairing opens the device's one pairing window.
  const live = async () => {
    const port = await freePort()
    const device = start(bin('pairwire-server'), [
      '--port', String(port), '--store', 'memory', '--test-hooks', '--state-dir', join(dir, 'device'),
    ], { cwd: project, env })
    devices.push(device)
    const listening = await timed(t, 'pairwire-server starts', () => device.waitFor(/"event":"listening".*"url":"([^"]+)"/))
    const url = listening[1]!
    const credentials = join(dir, 'credentials.json')
    const pin = await testPin(url)
    const paired = await timed(t, 'pairwire-client pair', () =>
      run(bin('pairwire-client'), ['pair', '--url', url, '--pin', pin, '--credentials', credentials], { cwd: project, env }))
    t.equal(paired.code, 0, `pairwire-client pair${said(paired)}`)
    t.match(JSON.parse(paired.stdout), { client_id: String, device_id: String })
    const called = await timed(t, 'pairwire-client call', () =>
      run(bin('pairwire-client'), ['call', '--method', 'pairwire.echo', '--params', '{"hello":"world"}', '--credentials', credentials], { cwd: project, env }))
    t.equal(called.code, 0, `pairwire-client call${said(called)}`)
    t.match(JSON.parse(called.stdout), { jsonrpc: '2.0', result: { hello: 'world' } })
    const judged = await timed(t, 'pairwire-conformance server --only 4.*,7.6-*', () =>
      run(bin('pairwire-conformance'), ['server', '--url', url, '--test-control', '--only', '4.*', '--only', '7.6-*'], { cwd: project, env }))
    t.equal(judged.code, 0, `pairwire-conformance server --only 4.*,7.6-*${said(judged)}`)
    t.match(judged.stdout, /MUST/, 'the harness reports its MUST cases')

    // ESM: the library pairs and echoes; the protocol core and the data package resolve by name.
    const script = `
      import * as client from '@pairwire/client'
      import { PROBLEMS } from '@pairwire/protocol/registry.js'
      import { readFileSync } from 'node:fs'
      import { fileURLToPath } from 'node:url'
      const credentials = await client.pair({ url: process.argv[1], pin: process.argv[2], name: 'esm' })
      const session = await client.connect(credentials)
      const answer = await session.request('pairwire.echo', { esm: true })
      await session.close()
      const vectors = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@pairwire/vectors/pairing.json')), 'utf8'))
      const schema = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@pairwire/vectors/schemas/pairing-vectors.schema.json')), 'utf8'))
      console.log(JSON.stringify({ answer, exports: Object.keys(client).sort(), problem: PROBLEMS.confirmationFailed.name, tests: vectors.numberOfTests, schema: schema.$schema }))`
    const esmPin = await testPin(url)
    const esm = await timed(t, 'the client imported as ESM', () =>
      run(process.execPath, ['--input-type=module', '-e', script, url, esmPin], { cwd: project, env }))
    t.equal(esm.code, 0, `the client imported as ESM${said(esm)}`)
    const seen = JSON.parse(esm.stdout) as { answer: unknown; exports: string[]; problem: string; tests: number; schema: string }
    t.match(seen.answer, { result: { esm: true } }, 'the imported library pairs and echoes')
    for (const name of ['pair', 'connect', 'Session', 'ClientError', 'signedRequest', 'unpair']) t.ok(seen.exports.includes(name), `exports ${name}`)
    t.equal(seen.problem, 'confirmation-failed')
    t.ok(seen.tests > 0, '@pairwire/vectors/pairing.json holds tests')
    t.match(seen.schema, /json-schema\.org/)
  }

  // TypeScript: a consumer against the shipped .d.ts (no skipLibCheck: they are checked too;
  // skipDefaultLibCheck only skips TypeScript's own lib.*.d.ts, which no package of ours ships).
  const types = async () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        skipLibCheck: false, skipDefaultLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], lib: ['ES2022', 'DOM'],
      },
      files: ['consumer.ts'],
    }))
    const tsc = await timed(t, 'tsc against the shipped .d.ts', () =>
      run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, env }))
    t.equal(tsc.code, 0, `tsc against the shipped .d.ts${said(tsc)}`)
  }

  await timed(t, 'the --help, live and type checks side by side', () => Promise.all([helps(), live(), types()]))
})
