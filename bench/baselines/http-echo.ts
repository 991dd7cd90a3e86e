/**
 * Baseline for the signed HTTP scenario: POST /pairwire/v1/rpc on a plain node:http server,
 * unsigned, answering the same JSON-RPC pairwire.echo as the reference device. Prints one JSON
 * line {"event":"listening","url"} on stdout, like pairwire-server.
 */
import { createServer } from 'node:http'
import { PATHS } from '../../protocol/registry.ts'

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== PATHS.rpc) {
      res.writeHead(404).end()
      return
    }
    const request = JSON.parse(Buffer.concat(chunks).toString()) as { id: unknown; params: unknown }
    const body = JSON.stringify({ jsonrpc: '2.0', id: request.id, result: request.params })
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${address.port}` }))
})
// Exit normally on SIGTERM (processes.ts stops servers so) so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0))
