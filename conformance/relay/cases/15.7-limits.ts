/**
 * Spec §15.7 (and §15.2's 429): relay connections per source address, device links and client
 * streams alike, and a max_frame that holds a 16384-byte chunk.
 */
import { PATHS, PROBLEMS, SIZES } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { refusedWith } from '../checks.ts'
import type { RelayCase, RelayContext } from '../context.ts'
import { clientStream, DeviceLink, freshDevice, rawRequest, unknownDeviceId, type Socket } from '../wire.ts'

/** Fills the per-address cap with half device links, half client streams; returns them. */
async function fillIpCap(ctx: RelayContext): Promise<Socket[] | string> {
  const cap = ctx.limits.max_connections_per_ip!
  const open: Socket[] = []
  ctx.defer(() => open.forEach((s) => s.terminate()))
  for (let i = 0; i < cap; i++) {
    const socket = i % 2 === 0 ? (await DeviceLink.open(ctx.url, freshDevice(), ctx.timeoutMs)).socket : clientStream(ctx.url, unknownDeviceId())
    open.push(socket)
    if (!(await socket.opened)) return `connection ${i + 1} of ${cap} was refused (${socket.refusedStatus})`
  }
  return open
}

function tooMany(ctx: RelayContext): string | null {
  const cap = ctx.limits.max_connections_per_ip!
  return cap > 64 ? `max_connections_per_ip ${cap} is too many connections to open` : null
}

export const ipCount: RelayCase = {
  id: '15.7-ip-count',
  level: 'MUST',
  requirement: 'pw-relay-15.7-ip-count',
  title: 'device links and client streams count against max_connections_per_ip until closed',
  needs: ['max_connections_per_ip'],
  async run(ctx) {
    const reason = tooMany(ctx)
    if (reason !== null) return { status: 'skip', reason, cause: 'precondition' }
    const open = await fillIpCap(ctx)
    if (typeof open === 'string') return fail(open, 101, 'refused')
    const overDevice = await rawRequest(ctx.url, `${PATHS.relayDevice}?device_id=${unknownDeviceId()}`)
    const overClient = await rawRequest(ctx.url, `${PATHS.relayClient}?device_id=${unknownDeviceId()}`)
    open[0]!.terminate()
    await open[0]!.closed
    await new Promise((resolve) => setTimeout(resolve, 100))
    const again = clientStream(ctx.url, unknownDeviceId())
    ctx.defer(() => again.terminate())
    const reopened = await again.opened
    ctx.record({ step: 'one connection over the cap, then one after a close', actual: [overDevice.status, overClient.status, reopened] })
    return firstFailure(
      refusedWith('a device link over the cap', overDevice, PROBLEMS.relayIpLimit),
      refusedWith('a client stream over the cap', overClient, PROBLEMS.relayIpLimit),
      reopened ? null : fail('after one connection closed, a new one was still refused', 101, again.refusedStatus),
    )
  },
}

export const chunkSize: RelayCase = {
  id: '15.7-chunk-size',
  level: 'MUST',
  requirement: 'pw-relay-15.7-chunk-size',
  title: 'max_frame in relay-held is at least 16384, and a 16384-byte frame passes both ways',
  async run(ctx) {
    if (ctx.limits.max_frame < SIZES.relayChunk) return fail('relay-held max_frame is below 16384', `>= ${SIZES.relayChunk}`, ctx.limits.max_frame)
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const client = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => client.terminate())
    const { stream } = await link.expectOpen(ctx.timeoutMs, 'a client stream')
    const chunk = new Uint8Array(SIZES.relayChunk).fill(0x5a)
    client.send(chunk)
    const up = await link.frame(ctx.timeoutMs)
    link.sendData(stream, chunk)
    const down = await client.next(ctx.timeoutMs)
    return firstFailure(
      up?.type === 'data' && up.body.length === chunk.length ? null : fail('the 16384-byte client frame did not reach the device whole', chunk.length, up?.body.length ?? null),
      down !== null && down.data.length === chunk.length ? null : fail('the 16384-byte device frame did not reach the client whole', chunk.length, down?.data.length ?? null),
    )
  },
}

export const retryAfter: RelayCase = {
  id: '15.2-retry-after',
  level: 'MUST',
  requirement: 'pw-relay-15.2-retry-after',
  title: 'a 429 relay-ip-limit answer carries Retry-After',
  needs: ['max_connections_per_ip'],
  async run(ctx) {
    const reason = tooMany(ctx)
    if (reason !== null) return { status: 'skip', reason, cause: 'precondition' }
    const open = await fillIpCap(ctx)
    if (typeof open === 'string') return fail(open, 101, 'refused')
    const over = await rawRequest(ctx.url, `${PATHS.relayClient}?device_id=${unknownDeviceId()}`)
    const value = over.headers['retry-after']
    ctx.record({ step: 'one stream over the cap', actual: { status: over.status, 'retry-after': value ?? null } })
    return firstFailure(
      refusedWith('a stream over the cap', over, PROBLEMS.relayIpLimit),
      typeof value === 'string' && /^[0-9]+$/.test(value) ? null : fail('no Retry-After delay-seconds', 'Retry-After: N', value ?? null),
    )
  },
}

export const cases: readonly RelayCase[] = [ipCount, chunkSize]
export const gateCases: readonly RelayCase[] = [retryAfter]
