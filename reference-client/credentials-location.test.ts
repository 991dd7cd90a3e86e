// Credentials default to a per-user directory, never the working directory (issue 19 point 3):
// the CLI run as a process, in an empty working directory, with its own XDG_CONFIG_HOME.
// Checks spec requirements: pw-test-12.3-credentials-file
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { userConfigDirectory } from './credentials-file.ts'
import { FAKE_PIN, startFakeDevice } from './test-fixture.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
// Resolved here: the child runs in a directory outside the repository, where 'tsx' is not found.
const TSX = import.meta.resolve('tsx')

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

t.test('userConfigDirectory: XDG_CONFIG_HOME when absolute, else ~/.config; %APPDATA% on Windows', async (t) => {
  t.equal(userConfigDirectory({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u', 'linux'), '/x/cfg/pairwire')
  // XDG Base Directory Specification: a relative path is invalid and is ignored.
  t.equal(userConfigDirectory({ XDG_CONFIG_HOME: 'cfg' }, '/home/u', 'linux'), '/home/u/.config/pairwire')
  t.equal(userConfigDirectory({}, '/home/u', 'darwin'), '/home/u/.config/pairwire')
  t.equal(userConfigDirectory({ APPDATA: '/c/AppData' }, '/home/u', 'win32'), '/c/AppData/pairwire')
  t.equal(userConfigDirectory({ APPDATA: '/c/AppData' }, '/home/u', 'linux'), '/home/u/.config/pairwire')
})

t.test('pair without --credentials writes to the per-user directory, nothing to the working directory', async (t) => {
  const device = await startFakeDevice()
  const work = await mkdtemp(join(tmpdir(), 'pairwire-cwd-'))
  const config = await mkdtemp(join(tmpdir(), 'pairwire-xdg-'))
  t.teardown(async () => {
    await device.close()
    await rm(work, { recursive: true, force: true })
    await rm(config, { recursive: true, force: true })
  })
  const env = { ...process.env, XDG_CONFIG_HOME: config }

  const paired = await runCli(['pair', '--url', device.url, '--pin', FAKE_PIN], work, env)
  t.equal(paired.code, 0, paired.stderr)
  t.same(await readdir(work), [], 'the working directory stays empty')
  const dir = join(config, 'pairwire')
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'the directory it created is the owner\'s only')
  t.equal((await stat(join(dir, 'credentials.json'))).mode & 0o777, 0o600, 'the file mode 0600')

  const info = await runCli(['info'], work, env)
  t.equal(info.code, 0, info.stderr)
  t.equal(JSON.parse(info.stdout).client_id, JSON.parse(paired.stdout).client_id, 'info finds them again')

  // --credentials FILE still names the file (the adapter contract of spec §12.3 passes it).
  const named = join(work, 'named.json')
  const explicit = await runCli(['info', '--credentials', named], work, env)
  t.equal(explicit.code, 3, 'a named file that does not exist is a usage error, not the default')
})
