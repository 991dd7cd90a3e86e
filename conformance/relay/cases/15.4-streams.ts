/**
 * Spec §15.4: streams on the device link. open before data, opaque ordered forwarding both ways
 * (a fast-check property over interleaved frames of several streams), a stable 8-byte source tag,
 * end in both directions, and the frames that close the link or the stream.
 */
import fc from 'fast-check'
import { hexEncode } from '../../../protocol/encoding.ts'
import { CLOSES } from '../../../protocol/registry.ts'
import { fail, firstFailure, PASS } from '../../verdicts.ts'
import { closedWith } from '../checks.ts'
import type { RelayCase } from '../context.ts'
import { clientStream, DeviceLink, freshDevice, type Socket } from '../wire.ts'

export const openFirst: RelayCase = {
  id: '15.4-open-first',
  level: 'MUST',
  requirement: 'pw-relay-15.4-open-first',
  title: 'each client stream is opened on the link before its data, with an id never used before',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const ids = new Set<number>()
    for (let i = 0; i < 3; i++) {
      const client = clientStream(ctx.url, key.deviceId)
      ctx.defer(() => client.terminate())
      await client.opened
      client.send(Uint8Array.of(i + 1))
      const open = await link.expectOpen(ctx.timeoutMs, `stream ${i + 1}`)
      if (ids.has(open.stream)) return fail('a stream id was used twice on one link', 'a new id', open.stream)
      ids.add(open.stream)
      const data = await link.frame(ctx.timeoutMs)
      if (data?.type !== 'data' || data.stream !== open.stream) return fail('the first frame after open is not that stream\'s data', 'data', data?.type ?? null)
      client.terminate()
      const end = await link.frame(ctx.timeoutMs)
      if (end?.type !== 'end') return fail('a client that went away was not ended on the link (spec §15.4)', 'end', end?.type ?? null)
    }
    return PASS
  },
}

export const sourceTag: RelayCase = {
  id: '15.4-source-tag',
  level: 'MUST',
  requirement: 'pw-relay-15.4-source-tag',
  title: 'open carries an 8-byte source tag, the same for two streams from one address, not the address itself',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const tags: string[] = []
    for (let i = 0; i < 2; i++) {
      const client = clientStream(ctx.url, key.deviceId)
      ctx.defer(() => client.terminate())
      tags.push(hexEncode((await link.expectOpen(ctx.timeoutMs, `stream ${i + 1}`)).source))
    }
    const address = hexEncode(new TextEncoder().encode('127.0.0.1').subarray(0, 8))
    ctx.record({ step: 'two streams from one address', actual: tags })
    return firstFailure(
      tags[0] === tags[1] ? null : fail('two streams from one address got different tags', tags[0], tags[1]),
      tags[0] !== address && tags[0] !== '0000000000000000' ? null : fail('the tag is not an HMAC of the address', 'HMAC-SHA256(key, address)[0..7]', tags[0]),
    )
  },
}

export const end: RelayCase = {
  id: '15.4-end',
  level: 'MUST',
  requirement: 'pw-relay-15.4-end',
  title: 'a client close becomes end on the link; a device end closes the client with 1000',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const a = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => a.terminate())
    const openA = await link.expectOpen(ctx.timeoutMs, 'stream a')
    a.ws.close(4000, 'bye')
    const endA = await link.frame(ctx.timeoutMs)
    const b = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => b.terminate())
    const openB = await link.expectOpen(ctx.timeoutMs, 'stream b')
    link.sendEnd(openB.stream)
    const closedB = await b.closedWithin(ctx.timeoutMs)
    return firstFailure(
      endA?.type === 'end' && endA.stream === openA.stream ? null : fail('the client close did not become end', 'end', endA?.type ?? null),
      closedWith('the client whose stream the device ended', closedB, CLOSES.normal),
    )
  },
}

export const linkFrames: RelayCase = {
  id: '15.4-link-frames',
  level: 'MUST',
  requirement: 'pw-relay-15.4-link-frames',
  title: 'a short, unknown, device-sent open, unknown-stream, empty or text frame closes the link malformed-frame',
  async run(ctx) {
    const bad: Record<string, (stream: number) => Uint8Array | string> = {
      'a text frame': () => '{"v":1}',
      '4 bytes': () => Uint8Array.of(2, 0, 0, 0),
      'type 0x04': (s) => Uint8Array.of(4, 0, 0, 0, s),
      'open from the device': (s) => Uint8Array.of(1, 0, 0, 0, s, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      'a stream never opened': (s) => Uint8Array.of(2, 0, 0, 1, s, 0x41),
      'data with an empty body': (s) => Uint8Array.of(2, 0, 0, 0, s),
      'stream 0': () => Uint8Array.of(2, 0, 0, 0, 0, 0x41),
    }
    const checks = []
    for (const [what, make] of Object.entries(bad)) {
      const key = freshDevice()
      const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
      ctx.defer(() => link.socket.terminate())
      const client = clientStream(ctx.url, key.deviceId)
      ctx.defer(() => client.terminate())
      const { stream } = await link.expectOpen(ctx.timeoutMs, what)
      if (stream > 255) return { status: 'skip', reason: 'stream ids beyond one byte', cause: 'precondition' }
      link.socket.send(make(stream))
      checks.push(closedWith(what, await link.socket.closedWithin(ctx.timeoutMs), CLOSES.malformedFrame))
    }
    return firstFailure(...checks)
  },
}

export const clientFrames: RelayCase = {
  id: '15.4-client-frames',
  level: 'MUST',
  requirement: 'pw-relay-15.4-client-frames',
  title: 'a client text frame or empty frame closes the stream malformed-frame, one over max_frame frame-too-large, none reaching the device',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const checks = []
    const variants: [string, Uint8Array | string, typeof CLOSES.malformedFrame][] = [
      ['a text frame', 'hello', CLOSES.malformedFrame],
      ['an empty binary frame', new Uint8Array(0), CLOSES.malformedFrame],
      ['a frame of max_frame + 1 bytes', new Uint8Array(ctx.limits.max_frame + 1), CLOSES.frameTooLarge],
    ]
    for (const [what, frame, entry] of variants) {
      const client = clientStream(ctx.url, key.deviceId)
      ctx.defer(() => client.terminate())
      const { stream } = await link.expectOpen(ctx.timeoutMs, what)
      client.send(frame)
      checks.push(closedWith(what, await client.closedWithin(ctx.timeoutMs), entry))
      const next = await link.frame(ctx.timeoutMs)
      checks.push(next?.type === 'data' && next.stream === stream ? fail(`${what} was forwarded`, 'end', 'data') : null)
    }
    return firstFailure(...checks)
  },
}

type Step = { readonly dir: 'up' | 'down'; readonly stream: number; readonly bytes: Uint8Array }

export const opaqueOrder: RelayCase = {
  id: '15.4-opaque-order',
  level: 'MUST',
  requirement: 'pw-relay-15.4-opaque-order',
  title: 'property: interleaved frames of three streams arrive byte for byte and in order both ways',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const clients: Socket[] = []
    const ids: number[] = []
    for (let i = 0; i < 3; i++) {
      const client = clientStream(ctx.url, key.deviceId)
      ctx.defer(() => client.terminate())
      clients.push(client)
      await client.opened
      ids.push((await link.expectOpen(ctx.timeoutMs, `stream ${i + 1}`)).stream)
    }
    const max = Math.min(ctx.limits.max_frame, 4096)
    const step = fc.record({
      dir: fc.constantFrom<'up' | 'down'>('up', 'down'),
      stream: fc.integer({ min: 0, max: 2 }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: max }),
    })
    let failure: string | null = null
    const property = fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps: Step[]) => {
      for (const s of steps) {
        if (s.dir === 'up') clients[s.stream]!.send(s.bytes)
        else link.sendData(ids[s.stream]!, s.bytes)
      }
      // In order per stream (spec §15.4); frames of different streams may interleave either way.
      const up = steps.filter((s) => s.dir === 'up')
      const got = new Map<number, Uint8Array[]>()
      for (let n = 0; n < up.length; n++) {
        const frame = await link.frame(ctx.timeoutMs)
        if (frame?.type !== 'data') {
          failure = `client -> device: expected ${up.length} data frames, frame ${n + 1} was ${frame?.type ?? 'missing'}`
          return false
        }
        got.set(frame.stream, [...(got.get(frame.stream) ?? []), frame.body])
      }
      for (const [i, id] of ids.entries()) {
        const sent = up.filter((s) => s.stream === i).map((s) => Buffer.from(s.bytes).toString('hex'))
        const received = (got.get(id) ?? []).map((b) => Buffer.from(b).toString('hex'))
        if (sent.join() !== received.join()) {
          failure = `client -> device on stream ${id}: sent ${sent.length} frames, the device got ${received.length}, not the same bytes in the same order`
          return false
        }
      }
      for (const [i, client] of clients.entries()) {
        for (const s of steps.filter((x) => x.dir === 'down' && x.stream === i)) {
          const got = await client.next(ctx.timeoutMs)
          if (got === null || Buffer.compare(got.data, Buffer.from(s.bytes)) !== 0) {
            failure = `device -> client ${i}: expected ${s.bytes.length} bytes, got ${got === null ? 'nothing' : got.data.length}`
            return false
          }
        }
      }
      return true
    })
    const runs = Math.min(ctx.runs, 25)
    const replay = ctx.replay
    const result = await fc.check(property, { seed: replay?.seed ?? ctx.seed, numRuns: runs, endOnFailure: true, ...(replay?.path === undefined ? {} : { path: replay.path }) })
    if (!result.failed) return PASS
    ctx.setReplay({ seed: result.seed, ...(result.counterexamplePath === null ? {} : { path: result.counterexamplePath }) })
    return fail(failure ?? 'frames were not forwarded in order', 'every frame, byte for byte, in order', result.counterexample)
  },
}

export const cases: readonly RelayCase[] = [openFirst, sourceTag, end, linkFrames, clientFrames, opaqueOrder]
