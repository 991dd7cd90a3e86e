import t from 'tap'
import type { RawSocket } from './platform.ts'
import { SocketChannel } from './socket-channel.ts'

type Listener = (event: never) => void

/** A socket that records what the channel sets and lets the test deliver events. */
class FakeSocket implements RawSocket {
  readonly #listeners = new Map<string, Listener[]>()

  constructor(public binaryType: string) {}

  send(): void {}

  close(): void {}

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener])
  }

  emit(type: string, event: object = {}): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event as never)
  }
}

function channelOn(binaryType: string): { socket: FakeSocket; channel: SocketChannel } {
  const socket = new FakeSocket(binaryType)
  const channel = new SocketChannel(() => socket, 'ws://127.0.0.1:1/')
  socket.emit('open')
  return { socket, channel }
}

t.test('a browser socket is switched from Blob to ArrayBuffer frames', async (t) => {
  const { socket, channel } = channelOn('blob')
  t.equal(socket.binaryType, 'arraybuffer')
  socket.emit('message', { data: Uint8Array.of(1, 2, 3).buffer })
  t.same(await channel.nextFrame(), Uint8Array.of(1, 2, 3))
})

t.test('a ws socket keeps its Buffer frames, which are delivered without a copy', async (t) => {
  const { socket, channel } = channelOn('nodebuffer')
  t.equal(socket.binaryType, 'nodebuffer')
  const data = Buffer.from([4, 5, 6])
  socket.emit('message', { data })
  const frame = (await channel.nextFrame()) as Uint8Array
  t.same(frame, Uint8Array.of(4, 5, 6))
  t.equal(frame.buffer, data.buffer, 'a view on the same memory')
  socket.emit('message', { data: 'text' })
  t.equal(await channel.nextFrame(), 'text', 'a text frame stays a string, to be refused')
})
