/**
 * Baseline for the session scenarios: a plain `ws` server on node:http answering the same
 * JSON-RPC pairwire.echo as the reference device, unencrypted (result = params). Prints one JSON
 * line {"event":"listening","url"} on stdout, like pairwire-server.
 */
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

const server = createServer()
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false })
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const request = JSON.parse(data.toString()) as { id: unknown; params: unknown }
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: request.params }))
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${address.port}` }))
})
// Exit normally on SIGTERM (processes.ts stops servers so) so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0))
