/**
 * `--via-relay URL --device ID` (spec §15.5): a loopback TCP listener whose every connection is
 * one client stream to ID at the relay, bytes in both directions as binary frames of at most
 * relayChunk bytes. Server mode then judges the device at the bridge's http:// URL with its
 * drivers unchanged: every request and session of the run travels through the relay.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net'
import WebSocket, { type RawData } from 'ws'
import { isWellFormedId } from '../../protocol/ids.ts'
import { relayEndpointUrl } from '../../protocol/relay.ts'
import { PATHS, SIZES } from '../../protocol/registry.ts'

export interface RelayBridge {
  /** http://127.0.0.1:PORT, the device as server mode sees it. */
  readonly url: string
  close(): Promise<void>
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

function carry(socket: Socket, streamUrl: string): void {
  const ws = new WebSocket(streamUrl, { perMessageDeflate: false })
  const pending: Buffer[] = []
  socket.on('data', (chunk: Buffer) => {
    for (let offset = 0; offset < chunk.length; offset += SIZES.relayChunk) {
      const piece = chunk.subarray(offset, offset + SIZES.relayChunk)
      if (ws.readyState === ws.OPEN) ws.send(piece)
      else pending.push(piece)
    }
  })
  ws.on('open', () => pending.splice(0).forEach((piece) => ws.send(piece)))
  ws.on('message', (data) => socket.write(toBuffer(data)))
  ws.on('close', () => socket.end())
  ws.on('error', () => socket.destroy())
  socket.on('close', () => (ws.readyState === ws.CONNECTING ? ws.terminate() : ws.close()))
  socket.on('error', () => socket.destroy())
}

export async function startRelayBridge(relayUrl: string, deviceId: string): Promise<RelayBridge> {
  if (!isWellFormedId('device', deviceId)) throw new Error(`--device ${deviceId}: not a device_id`)
  const streamUrl = relayEndpointUrl(relayUrl, PATHS.relayClient, deviceId)
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    carry(socket, streamUrl)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      sockets.forEach((s) => s.destroy())
      server.close(() => resolve())
    }),
  }
}
