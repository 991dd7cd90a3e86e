/**
 * The reference device as a child process (reference-server/cli.ts through tsx), for tests that
 * must see what a crash, an unhandled rejection or a leak would look like from outside: its
 * stderr (the JSON log lines, and anything Node prints when it dies), whether it is still
 * alive, its resident set size, and its exit code on SIGTERM.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Test } from 'tap'

const CLI = new URL('../../reference-server/cli.ts', import.meta.url).pathname
/** How long SIGTERM may take: closing sessions and the grace for in-flight requests. */
const STOP_TIMEOUT_MS = 5000

export interface DeviceProcess {
  readonly url: string
  readonly port: number
  readonly deviceId: string
  /** Everything the device wrote to stderr so far. */
  stderr(): string
  /** True while the process runs. */
  alive(): boolean
  /** The resident set size in KiB (POSIX `ps -o rss`). */
  rssKiB(): number
  /** SIGTERM, then the exit code (null when it had to be killed). */
  stop(): Promise<number | null>
}

/** Starts `pairwire-server` on a free loopback port with `args`; stops it at teardown. */
export async function startDeviceProcess(t: Test, args: readonly string[]): Promise<DeviceProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pw-fuzz-'))
  const argv = ['--import', 'tsx', CLI, '--host', '127.0.0.1', '--port', '0']
  const child = spawn(process.execPath, [...argv, '--state-dir', stateDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  t.teardown(async () => {
    process.off('exit', kill)
    if (child.exitCode === null && child.signalCode === null) kill()
    await exited
    rmSync(stateDir, { recursive: true, force: true })
  })
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()
  if (first.done === true) throw new Error(`pairwire-server exited: ${stderr}`)
  const listening = JSON.parse(first.value as string) as { url: string; device_id: string }
  return {
    url: listening.url,
    port: Number(new URL(listening.url).port),
    deviceId: listening.device_id,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    rssKiB: () => {
      const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' })
      return Number(ps.stdout.trim())
    },
    async stop() {
      child.kill('SIGTERM')
      const timer = setTimeout(kill, STOP_TIMEOUT_MS)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}
