/**
 * PINs for the zaparoo-v1 profile: `--pin-command CMD` (prints a PIN; PAIRWIRE_PIN_TTL asks for
 * a TTL in seconds, which the command may honour), or, when the harness is local, the device's
 * own `clients.pair.cancel` then `clients.pair.start` over a plaintext loopback WebSocket
 * (spec/profiles/zaparoo-v1.md §2.1; facts §1.1: the RPC is local-only).
 */
import { spawn } from 'node:child_process'
import WebSocket from 'ws'
import { pinOf } from '../../pins.ts'
import { failCase, skipCase } from '../../verdicts.ts'
import type { OpenedPin } from './context.ts'
import { WS_PATH } from './socket.ts'

export type ProfilePins = { kind: 'command'; command: string } | { kind: 'local-rpc' } | { kind: 'none' }

/** Facts §1.2: a PIN lives 5 minutes. */
const DEFAULT_TTL_S = 300

function runCommand(command: string, ttl: number | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(ttl === undefined ? {} : { PAIRWIRE_PIN_TTL: String(ttl) }) }
    const child = spawn(command, { shell: true, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(0, 4096)))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`exit ${code}`))
    })
  })
}

/** JSON-RPC over a plaintext loopback socket; resolves to the result of `id`. */
function localCall(url: string, calls: { method: string; id: number }[], timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_PATH}`)
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('no answer'))), timeoutMs)
    const last = calls[calls.length - 1]!.id
    ws.on('open', () => calls.forEach((c) => ws.send(JSON.stringify({ jsonrpc: '2.0', ...c }))))
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { id?: unknown; result?: unknown; error?: unknown }
      if (m.id !== last) return
      clearTimeout(timer)
      ws.close()
      if (m.result === undefined) reject(new Error(JSON.stringify(m.error)))
      else resolve(m.result)
    })
    ws.on('error', (e) => (clearTimeout(timer), reject(e)))
  })
}

export function pinOpener(pins: ProfilePins, url: string, timeoutMs: number) {
  return async (ttlSeconds?: number): Promise<OpenedPin> => {
    if (pins.kind === 'none') skipCase('needs a PIN: pass --pin-command CMD (remote), or run on loopback')
    const at = Date.now()
    try {
      if (pins.kind === 'command') {
        const pin = pinOf(await runCommand(pins.command, ttlSeconds, Math.max(2 * timeoutMs, 10_000)))
        if (pin === undefined) failCase('--pin-command printed no six-digit PIN', 'NNNNNN', 'none')
        return { pin, expiresAtMs: at + (ttlSeconds ?? DEFAULT_TTL_S) * 1000 }
      }
      const calls = [{ method: 'clients.pair.cancel', id: 1 }, { method: 'clients.pair.start', id: 2 }]
      const r = (await localCall(url, calls, timeoutMs)) as { pin?: unknown; expiresAt?: unknown }
      if (typeof r.pin !== 'string' || typeof r.expiresAt !== 'number') {
        failCase('clients.pair.start must answer {pin, expiresAt}', '{pin, expiresAt}', r)
      }
      return { pin: r.pin, expiresAtMs: r.expiresAt * 1000 }
    } catch (error) {
      if ((error as Error).name === 'CaseFailure') throw error
      failCase(`cannot open a PIN: ${String(error)}`, 'a PIN', String(error))
    }
  }
}
