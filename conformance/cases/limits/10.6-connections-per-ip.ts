/**
 * Spec §10.6 {#pw-limit-10.6-connections-per-ip}: a connection accepted while
 * max_connections_per_ip connections from the same address are open is closed at once, unread.
 * The harness opens max_connections_per_ip + 1 idle TCP connections (no byte sent), expects the
 * device to close at least one of them within the step timeout and to keep no more than the cap
 * open, then closes them all and expects an HTTP request to be answered again.
 */
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { PATHS } from '../../../protocol/registry.ts'
import { limitOf } from '../../drivers/advertised.ts'
import { httpRequest } from '../../drivers/http.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { PHASES } from '../../phases.ts'
import { fail, PASS, skip } from '../../verdicts.ts'

/** Sockets the harness opens at most for this case. */
const MAX_SOCKETS = 1024
/** After the first refusal, time for any further one to arrive before counting. */
const SETTLE_MS = 200

interface Idle {
  readonly socket: Socket
  closedByDevice: boolean
}

/** One idle connection; resolves once it is connected (or refused before). */
function openIdle(ctx: CaseContext, onClose: () => void): Promise<Idle> {
  const url = new URL(ctx.target.url)
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const socket = url.protocol === 'https:'
    ? tlsConnect({ host, port, rejectUnauthorized: false })
    : netConnect({ host, port })
  const idle: Idle = { socket, closedByDevice: false }
  return new Promise((resolve) => {
    socket.on('error', () => {})
    socket.once('close', () => {
      idle.closedByDevice = true
      onClose()
      resolve(idle)
    })
    socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => resolve(idle))
  })
}

export const connectionsPerIp: CaseDefinition = {
  id: '10.6-connections-per-ip',
  level: 'MUST',
  requirement: 'pw-limit-10.6-connections-per-ip',
  title: 'a connection over max_connections_per_ip is closed at once',
  phase: PHASES.budgets,
  async run(ctx) {
    const cap = limitOf(ctx.target, 'max_connections_per_ip')
    if (cap + 1 > MAX_SOCKETS) {
      return skip(`needs ${cap + 1} connections; the harness opens at most ${MAX_SOCKETS}`)
    }
    let wake = () => {}
    const refused = new Promise<void>((resolve) => (wake = resolve))
    const sockets: Idle[] = []
    try {
      for (let i = 0; i <= cap; i++) sockets.push(await openIdle(ctx, () => wake()))
      await Promise.race([refused, new Promise((r) => setTimeout(r, ctx.timeoutMs))])
      await new Promise((r) => setTimeout(r, SETTLE_MS))
    } finally {
      for (const { socket } of sockets) socket.destroy()
    }
    const closed = sockets.filter((s) => s.closedByDevice).length
    const open = sockets.length - closed
    ctx.record({ step: `open ${cap + 1} idle connections`, actual: { closed, open } })
    if (closed === 0 || open > cap) {
      const message = `${open} idle connections stayed open with max_connections_per_ip = ${cap}`
      return fail(message, `at most ${cap} open, the rest closed`, { closed, open })
    }
    const res = await httpRequest(ctx, { method: 'GET', path: PATHS.discovery })
    ctx.record({ step: 'close them all, then GET discovery', actual: { status: res.status } })
    if (res.status !== 200) {
      return fail('discovery not answered after the idle connections closed', 200, res.status)
    }
    return PASS
  },
}
