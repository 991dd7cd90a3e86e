/**
 * `client --via-relay URL` (spec §15.5): the harness's client-mode device also holds a slot at
 * the relay under its device_id, claimed with its own device key (§15.3), and carries each
 * relayed stream (§15.4) as one fresh TCP connection to its loopback HTTP/WebSocket server: the
 * inverse of bridge.ts. `data` bodies are written to the connection; the connection's bytes go
 * back as `data` frames of at most relayChunk bytes; `end` ends the connection, and the
 * connection's end sends `end`.
 */
import { connect, type Socket as TcpSocket } from 'node:net'
import { decodeRelayFrame, encodeRelayFrame } from '../../protocol/relay.ts'
import { SIZES } from '../../protocol/registry.ts'
import { deviceIdOf } from '../../protocol/ids.ts'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { DeviceLink } from './wire.ts'

export interface HeldSlot {
  close(): Promise<void>
}

const CLAIM_TIMEOUT_MS = 10_000

/** Holds `seed`'s slot at `relayUrl` and serves its streams from `localPort` on 127.0.0.1. */
export async function holdSlot(relayUrl: string, seed: Uint8Array, localPort: number): Promise<HeldSlot> {
  const publicKey = defaultBackend.ed25519PublicKey(seed)
  const link = await DeviceLink.hold(relayUrl, { seed, publicKey, deviceId: deviceIdOf(publicKey, defaultBackend) }, CLAIM_TIMEOUT_MS)
  const ws = link.socket.ws
  const streams = new Map<number, TcpSocket>()
  const send = (bytes: Uint8Array): void => {
    if (ws.readyState === ws.OPEN) ws.send(bytes)
  }
  // The link's frames are read here, not through link.socket's queue.
  ws.removeAllListeners('message')
  ws.on('message', (data: Buffer, binary: boolean) => {
    const frame = binary ? decodeRelayFrame(data) : null
    if (frame === null) return
    const tcp = streams.get(frame.stream)
    if (frame.type === 'open') {
      if (tcp !== undefined) return
      const socket = connect(localPort, '127.0.0.1')
      streams.set(frame.stream, socket)
      socket.on('data', (chunk: Buffer) => {
        for (let offset = 0; offset < chunk.length; offset += SIZES.relayChunk) {
          send(encodeRelayFrame('data', frame.stream, chunk.subarray(offset, offset + SIZES.relayChunk)))
        }
      })
      socket.on('error', () => socket.destroy())
      socket.on('close', () => {
        // §15.4: the device ends a stream it no longer serves; an `end` from the relay already removed it.
        if (streams.get(frame.stream) === socket) {
          streams.delete(frame.stream)
          send(encodeRelayFrame('end', frame.stream))
        }
      })
    } else if (frame.type === 'data') {
      tcp?.write(frame.body)
    } else if (tcp !== undefined) {
      // §15.4 pw-relay-15.4-end: the client closed its stream.
      streams.delete(frame.stream)
      tcp.end()
    }
  })
  ws.on('close', () => {
    for (const socket of streams.values()) socket.destroy()
    streams.clear()
  })
  return {
    close: async () => {
      for (const socket of streams.values()) socket.destroy()
      streams.clear()
      ws.close()
      await link.socket.closedWithin(1000)
    },
  }
}
