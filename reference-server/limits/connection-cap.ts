/**
 * Spec §10.6 pw-limit-10.6-connections-per-ip: at most max_connections_per_ip open TCP connections
 * per source address. A connection over the cap is destroyed on accept, before the HTTP parser
 * reads a byte of it. Refusals are logged at most once per LOG_WINDOW_MS, with how many were
 * refused since the last line: a slowloris wave of 20,000 sockets writes a few lines, not 20,000.
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from '../context.ts'

/** At most one `connection.refused` line per window. */
export const LOG_WINDOW_MS = 60_000

export interface ConnectionCap {
  /** Open connections per source address now (for tests). */
  openFrom(address: string): number
}

export function capConnectionsPerIp(
  server: Server,
  cap: number,
  log: Logger,
  now: () => number = Date.now,
): ConnectionCap {
  const open = new Map<string, number>()
  let refusedSinceLog = 0
  let lastLogAt = -Infinity
  const refuse = (socket: Socket, address: string) => {
    socket.destroy()
    refusedSinceLog++
    if (now() - lastLogAt < LOG_WINDOW_MS) return
    log.warn('connection.refused', { remote: address, cap, refused: refusedSinceLog })
    lastLogAt = now()
    refusedSinceLog = 0
  }
  // prependListener: the refusal runs before Node's HTTP connection listener sets up a parser.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? ''
    const count = open.get(address) ?? 0
    if (count >= cap) return refuse(socket, address)
    open.set(address, count + 1)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left <= 0) open.delete(address)
      else open.set(address, left)
    })
  })
  return { openFrom: (address) => open.get(address) ?? 0 }
}
