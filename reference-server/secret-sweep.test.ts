/**
 * The secret sweep (spec §13.8 {#pw-sec-13.8-no-secrets-in-logs}): the hook captures log and audit
 * lines and secrets only when PAIRWIRE_SECRET_SWEEP_DIR is set, and the checker fails on a line
 * holding a recorded secret in any of its forms, on missing evidence, and never prints a secret.
 */
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { defaultBackend } from '../protocol/crypto/index.ts'
import { base64urlEncode, hexEncode } from '../protocol/encoding.ts'
import { generatePin } from '../protocol/spake2/index.ts'
import { createAuditLog, createLogger } from './logs.ts'
import { checkSweep, REQUIRED_KINDS } from './secret-sweep-check.ts'
import {
  LINES_PREFIX,
  recordSecret,
  SECRETS_PREFIX,
  SWEEP_DIR_VARIABLE,
  type SecretRecord,
} from './secret-sweep.ts'

const CHECKER = new URL('./secret-sweep-check.ts', import.meta.url).pathname
const silent = () => new Writable({ write: (_chunk, _enc, done) => done() })

/** Runs `body` with the hook writing to a fresh directory (restoring the suite's own sweep). */
function withSweepDir(t: Test, body: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-sweep-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const outer = process.env[SWEEP_DIR_VARIABLE]
  process.env[SWEEP_DIR_VARIABLE] = dir
  try {
    body(dir)
  } finally {
    if (outer === undefined) delete process.env[SWEEP_DIR_VARIABLE]
    else process.env[SWEEP_DIR_VARIABLE] = outer
  }
  return dir
}

const fileOf = (dir: string, prefix: string) => join(dir, `${prefix}${process.pid}.jsonl`)
const linesOf = (path: string) => readFileSync(path, 'utf8').trim().split('\n')

interface Secrets {
  pin: string
  ticket: string
  pairingKey: Uint8Array
  signature: Uint8Array
}

/** One secret of each required kind, recorded through the hook, and `lines` clean log lines. */
function cleanRun(t: Test, lines: number): { dir: string; secrets: Secrets } {
  const random = (n: number) => defaultBackend.randomBytes(n)
  const secrets = {
    pin: generatePin(),
    ticket: base64urlEncode(random(32)),
    pairingKey: random(32),
    signature: random(64),
  }
  const dir = withSweepDir(t, () => {
    recordSecret('pin', secrets.pin)
    recordSecret('ticket', secrets.ticket)
    recordSecret('pairing-key', secrets.pairingKey)
    recordSecret('signature', secrets.signature)
    // Placeholders as tests use them: never secrets, and colliding with ids on purpose here.
    recordSecret('nonce', 'A'.repeat(22))
    const log = createLogger(silent())
    for (let i = 0; i < lines; i++) log.info('http.request', { status: 200, keyid: 'pwc_AAAAAAAA' })
  })
  return { dir, secrets }
}

function plant(dir: string, line: Record<string, unknown>): void {
  appendFileSync(join(dir, `${LINES_PREFIX}planted.jsonl`), JSON.stringify(line) + '\n')
}

function runChecker(dir: string, minLines: number) {
  const args = ['--import', 'tsx', CHECKER, dir, '--min-lines', String(minLines)]
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout }
}

t.test('the hook captures nothing while the variable is unset', async (t) => {
  const dir = withSweepDir(t, () => {})
  const outer = process.env[SWEEP_DIR_VARIABLE]
  delete process.env[SWEEP_DIR_VARIABLE]
  try {
    recordSecret('pin', generatePin())
    createLogger(silent()).info('quiet', {})
  } finally {
    if (outer !== undefined) process.env[SWEEP_DIR_VARIABLE] = outer
  }
  t.same(readdirSync(dir), [])
})

t.test('the hook captures log and audit lines and a secret in every form', async (t) => {
  const seed = defaultBackend.randomBytes(32)
  const dir = withSweepDir(t, () => {
    createLogger(silent()).warn('log.event', { status: 401 })
    createAuditLog(null).record('audit.event', { client_id: 'pwc_x' })
    recordSecret('private-key', seed)
    recordSecret('pin', '480613')
  })
  const events = linesOf(fileOf(dir, LINES_PREFIX)).map((l) => JSON.parse(l).event)
  t.same(events, ['log.event', 'audit.event'])
  const records = linesOf(fileOf(dir, SECRETS_PREFIX)).map((l) => JSON.parse(l) as SecretRecord)
  const base64 = Buffer.from(seed).toString('base64').replace(/=+$/, '')
  t.same(records[0], {
    kind: 'private-key',
    forms: [...new Set([base64urlEncode(seed), base64, hexEncode(seed)])],
  })
  t.same(records[1], { kind: 'pin', forms: ['480613'] })
})

t.test('a clean run passes, placeholders ignored', async (t) => {
  const { dir } = cleanRun(t, 20)
  const report = checkSweep(dir, 20)
  t.same(report.failures, [])
  t.equal(report.lines, 20)
  t.equal(report.ignoredForms, 2, "the 22 'A's and their hex form, 32 '0's")
  for (const kind of REQUIRED_KINDS) t.equal(report.secrets[kind], 1, kind)
  const { code, stdout } = runChecker(dir, 20)
  t.equal(code, 0)
  t.match(stdout, /ok: no secret in any log or audit line/)
})

t.test('a planted ticket fails the sweep, which names the event but not the ticket', async (t) => {
  const { dir, secrets } = cleanRun(t, 20)
  plant(dir, { t: '2026-11-23T10:20:30.123Z', event: 'planted.leak', url: `/x?${secrets.ticket}` })
  const { code, stdout } = runChecker(dir, 20)
  t.equal(code, 1)
  t.match(stdout, `LEAK ${LINES_PREFIX}planted.jsonl:1 event planted.leak contains a ticket`)
  t.notMatch(stdout, secrets.ticket)
})

t.test('every form of a secret is found: base64url, base64, hex', async (t) => {
  const { dir, secrets } = cleanRun(t, 20)
  const key = Buffer.from(secrets.pairingKey)
  plant(dir, { event: 'url', key: base64urlEncode(key) })
  plant(dir, { event: 'std', sig: `pw=:${Buffer.from(secrets.signature).toString('base64')}:` })
  plant(dir, { event: 'hex', key: `0x${key.toString('hex')}` })
  const leaks = checkSweep(dir, 20).leaks.map(({ event, kind }) => `${event} ${kind}`)
  t.same(leaks, ['url pairing-key', 'std signature', 'hex pairing-key'])
})

t.test('a PIN matches as a whole digit run only', async (t) => {
  const { dir, secrets } = cleanRun(t, 20)
  plant(dir, { event: 'inside.longer.run', expires_at: Number(`17${secrets.pin}12`) })
  plant(dir, { event: 'as.string', pin: secrets.pin })
  plant(dir, { event: 'in.text', message: `PIN:${secrets.pin}.` })
  const leaks = checkSweep(dir, 20).leaks.map(({ event, kind }) => `${event} ${kind}`)
  t.same(leaks, ['as.string pin', 'in.text pin'])
})

t.test('missing evidence fails: too few lines, a required kind never recorded', async (t) => {
  const { dir } = cleanRun(t, 5)
  t.same(checkSweep(dir, 20).failures, ['only 5 log lines captured (at least 20)'])
  const empty = withSweepDir(t, () => {})
  const failures = checkSweep(empty, 1).failures
  t.equal(failures[0], 'only 0 log lines captured (at least 1)')
  t.same(
    failures.slice(1),
    REQUIRED_KINDS.map((kind) => `no ${kind} recorded: the hook is not wired`),
  )
  t.equal(runChecker(empty, 1).code, 1)
})

t.test('the checker exits 2 on a usage error', async (t) => {
  t.equal(runChecker('', -1).code, 2)
})
