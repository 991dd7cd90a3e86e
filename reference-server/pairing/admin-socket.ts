/**
 * The operator's channel to a running device (spec §5.3: a window is opened "only on a local
 * operator action"): a Unix domain socket `<stateDir>/admin.sock`, mode 0600, in the state
 * directory (mode 0700). Only the account that runs the device can connect; nothing of it is
 * reachable over the network, and no test build is needed. `pairwire-server pair` and
 * `pairwire-server clients …` connect, send one JSON line and read one JSON line back:
 *
 *   → {"op":"pair","ttl":120}                 ← {"ok":{"pin":"480613","expires_at":1700000120}}
 *   → {"op":"clients"}                        ← {"ok":[{"client_id","name","paired_at"}…]}
 *   → {"op":"revoke","client_id":"pwc_…"}     ← {"ok":true}
 *   any failure                               ← {"error":"<message>"}
 *
 * The PIN travels only over this socket to the operator's terminal; it is never logged.
 */
import { chmodSync, unlinkSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

export const ADMIN_SOCKET = 'admin.sock'
/** The longest request line accepted; every request is a few dozen bytes. */
const MAX_REQUEST_BYTES = 1024

export type AdminRequest = Record<string, unknown>
/** Handlers by op; a rejection's message is sent back as the error. */
export type AdminHandlers = Record<string, (request: AdminRequest) => Promise<unknown>>

/** No device serves the admin socket of this state directory. */
export class AdminUnavailableError extends Error {
  override readonly name = 'AdminUnavailableError'
}

export function adminSocketPath(stateDir: string): string {
  return join(stateDir, ADMIN_SOCKET)
}

async function answer(line: string, handlers: AdminHandlers): Promise<object> {
  let request: AdminRequest
  try {
    request = JSON.parse(line) as AdminRequest
  } catch {
    return { error: 'request is not JSON' }
  }
  const op = request?.op
  if (typeof op !== 'string' || !Object.hasOwn(handlers, op)) return { error: 'unknown op' }
  try {
    return { ok: (await handlers[op]!(request)) ?? null }
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'failed' }
  }
}

function serveConnection(socket: Socket, handlers: AdminHandlers): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('error', () => socket.destroy())
  const onData = (chunk: string) => {
    buffered += chunk
    const end = buffered.indexOf('\n')
    if (end === -1 && buffered.length <= MAX_REQUEST_BYTES) return
    socket.off('data', onData)
    const reply =
      end === -1
        ? Promise.resolve({ error: 'request too long' })
        : answer(buffered.slice(0, end), handlers)
    void reply.then((value) => socket.end(JSON.stringify(value) + '\n'))
  }
  socket.on('data', onData)
}

/** True when a device already answers on the socket at `path`. */
function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path)
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}

/**
 * Serves the admin socket of `stateDir`. Returns undefined, leaving it alone, when another
 * running device already serves it; a stale socket file left by a crash is replaced.
 */
export async function serveAdminSocket(
  stateDir: string,
  handlers: AdminHandlers,
): Promise<Server | undefined> {
  const path = adminSocketPath(stateDir)
  if (await isLive(path)) return undefined
  try {
    unlinkSync(path)
  } catch {
    // There was no stale socket file.
  }
  const server = createServer((socket) => serveConnection(socket, handlers))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  chmodSync(path, 0o600)
  return server
}

function parseReply(reply: string): unknown {
  let parsed: { ok?: unknown; error?: unknown }
  try {
    parsed = JSON.parse(reply) as typeof parsed
  } catch {
    throw new Error('the device sent no answer')
  }
  if (typeof parsed.error === 'string') throw new Error(parsed.error)
  return parsed.ok
}

/**
 * Sends one request to the device serving `stateDir` and resolves with its `ok` value. Rejects
 * with AdminUnavailableError when no device serves it, with Error(message) on an error answer.
 */
export function adminRequest(stateDir: string, request: AdminRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(adminSocketPath(stateDir))
    let reply = ''
    let connected = false
    socket.setEncoding('utf8')
    socket.on('connect', () => {
      connected = true
      socket.write(JSON.stringify(request) + '\n')
    })
    socket.on('data', (chunk: string) => (reply += chunk))
    socket.on('error', (e) => reject(connected ? e : new AdminUnavailableError(e.message)))
    socket.on('end', () => {
      try {
        resolve(parseReply(reply))
      } catch (e) {
        reject(e)
      }
    })
  })
}
