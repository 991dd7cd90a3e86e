/**
 * Where the harness gets PINs (spec §14.2): a command that opens a pairing window on the device
 * and prints its PIN (--pin-command), the test-control endpoint of spec §12.2 (--test-control),
 * or nowhere, in which case every case that needs a pairing window is skipped with the reason.
 */
import { spawn } from 'node:child_process'
import { PATHS, PROTOCOL_VERSION } from '../protocol/registry.ts'
import { expectJsonMessage, httpRequest, type HttpContext } from './drivers/http.ts'
import type { PinSource } from './model.ts'
import { CaseFailure, SetupError, must, skip } from './verdicts.ts'

export type PinOption =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'test-control' }
  | { readonly kind: 'none' }
  /** The default: test-control when discovery advertises it (spec §12), else none. */
  | { readonly kind: 'auto' }

export const NO_PIN_REASON = 'needs a PIN: pass --pin-command CMD or --test-control'

/** The PIN source a run uses once discovery is known: 'auto' resolved (spec §14.2). */
export function resolvePins(option: PinOption, profiles: readonly string[]): ResolvedPins {
  if (option.kind !== 'auto') return option
  return profiles.includes('test-control') ? { kind: 'test-control' } : { kind: 'none' }
}

export type ResolvedPins = Exclude<PinOption, { kind: 'auto' }>

// The first run of exactly six digits, not part of a longer number (expires_at is 10 digits).
const SIX_DIGITS = /(?<![0-9])[0-9]{6}(?![0-9])/

/** The first 6-digit token of a command's output, or undefined. */
export function pinOf(output: string): string | undefined {
  return SIX_DIGITS.exec(output)?.[0]
}

/** Output cap of the PIN command: a PIN is six digits, anything past this is noise. */
const MAX_OUTPUT = 64 * 1024

function runCommand(command: string, ttl: number | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(ttl === undefined ? {} : { PAIRWIRE_PIN_TTL: String(ttl) }) }
    const child = spawn(command, { shell: true, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const keep = (text: string, d: Buffer): string => (text + d.toString()).slice(0, MAX_OUTPUT)
    child.stdout.on('data', (d: Buffer) => void (stdout = keep(stdout, d)))
    child.stderr.on('data', (d: Buffer) => void (stderr = keep(stderr, d)))
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`exit ${code ?? signal}: ${stderr.trim().slice(0, 300)}`))
    })
  })
}

function commandSource(command: string, ctx: HttpContext): PinSource {
  // The command may start a process (npx, ssh): give it more than one network step.
  const timeoutMs = Math.max(ctx.timeoutMs * 2, 10_000)
  return {
    kind: 'command',
    async openWindow(ttlSeconds) {
      const step = 'open a pairing window (--pin-command)'
      let output: string
      try {
        output = await runCommand(command, ttlSeconds, timeoutMs)
      } catch (error) {
        const actual = (error as Error).message
        ctx.record({ step, sent: command, actual })
        throw new SetupError(`--pin-command failed (${actual})`)
      }
      const pin = pinOf(output)
      ctx.record({ step, sent: command, actual: pin === undefined ? 'no PIN' : 'a PIN' })
      if (pin === undefined) {
        const printed = JSON.stringify(output.slice(0, 200))
        throw new SetupError(`--pin-command printed no 6-digit PIN: ${printed}`)
      }
      return { pin }
    },
  }
}

function testControlSource(ctx: HttpContext): PinSource {
  return {
    kind: 'test-control',
    async openWindow(ttlSeconds) {
      const body = { v: PROTOCOL_VERSION, ...(ttlSeconds === undefined ? {} : { ttl: ttlSeconds }) }
      const res = await httpRequest(ctx, {
        method: 'POST',
        path: PATHS.testPin,
        body,
        step: 'open a pairing window (test-control, spec §12.2)',
        expected: { status: 200 },
      })
      must(expectJsonMessage(res, 200, 'test-pin-response'))
      const { pin, expires_at: expiresAt } = res.json as { pin: string; expires_at: number }
      return { pin, expiresAt }
    },
  }
}

const noSource: PinSource = {
  kind: 'none',
  openWindow: () => Promise.reject(new CaseFailure(skip(NO_PIN_REASON, 'setup'))),
}

/** The PinSource of one case; its exchanges are recorded in that case's context. */
export function pinSource(option: ResolvedPins, ctx: HttpContext): PinSource {
  switch (option.kind) {
    case 'command':
      return commandSource(option.command, ctx)
    case 'test-control':
      return testControlSource(ctx)
    case 'none':
      return noSource
  }
}
