import { createServer } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { capConnectionsPerIp, LOG_WINDOW_MS } from './connection-cap.ts'

/** Opens a socket; resolves 'open' once connected and idle for 100 ms, 'closed' if cut first. */
function probe(port: number, sockets: Socket[]): Promise<'open' | 'closed'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    sockets.push(socket)
    socket.on('error', () => {})
    socket.once('close', () => resolve('closed'))
    socket.once('connect', () => {
      setTimeout(() => resolve(socket.destroyed ? 'closed' : 'open'), 100)
    })
  })
}

t.test('over the cap a socket is cut, logged once per window; a close frees a slot', async (t) => {
  const server = createServer((_req, res) => res.end('ok'))
  const lines: Record<string, unknown>[] = []
  const warn = (_event: string, fields?: Record<string, unknown>) => void lines.push(fields ?? {})
  const log = { info() {}, error() {}, warn }
  const clock = { ms: 0 }
  const cap = capConnectionsPerIp(server, 2, log, () => clock.ms)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const sockets: Socket[] = []
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  const first = [await probe(port, sockets), await probe(port, sockets)]
  t.same(first, ['open', 'open'], 'the cap admits 2')
  const over = [await probe(port, sockets), await probe(port, sockets), await probe(port, sockets)]
  t.same(over, ['closed', 'closed', 'closed'], 'the 3rd, 4th and 5th are cut')
  t.equal(cap.openFrom('127.0.0.1'), 2)
  t.equal(lines.length, 1, 'three refusals in one window: one log line')
  clock.ms += LOG_WINDOW_MS
  t.equal(await probe(port, sockets), 'closed')
  t.match(lines, [{ refused: 1 }, { refused: 3, cap: 2 }], 'the next line counts refusals since')
  sockets[0]!.destroy()
  await new Promise((r) => setTimeout(r, 100))
  t.equal(await probe(port, sockets), 'open', 'a closed connection frees its slot')
})
