/**
 * Spec §15.6: what clients see. A stream for a slot no device holds waits `grace` then 4404; the
 * streams of a lost link wait `grace` then 4407 (never 1000/1001); a claim delivers waiting and
 * lost streams with what their clients queued, in order; queues overflow with 4414; idle streams
 * close 4410; a link that answers no Ping is closed 4410. Every close reason is the registry name
 * (pw-relay-15.6-close-reason, checked by closedWith in every case).
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { closedWith, TIMER_SLACK_MS } from '../checks.ts'
import type { RelayCase, RelayContext } from '../context.ts'
import type { Closed } from '../wire.ts'
import { clientStream, DeviceLink, freshDevice, unknownDeviceId } from '../wire.ts'

const graceMs = (ctx: RelayContext) => ctx.limits.grace * 1000

function notBefore(what: string, closed: Closed | null, ms: number) {
  return closed !== null && closed.afterMs < ms - 200 ? fail(`${what}: closed before the grace window ended`, `>= ${ms} ms`, closed.afterMs) : null
}

export const waitThen4404: RelayCase = {
  id: '15.6-wait-then-not-connected',
  level: 'MUST',
  requirement: 'pw-relay-15.6-wait-then-not-connected',
  title: 'a stream to an id no device holds waits grace, then closes device-not-connected device-not-connected',
  waitSeconds: (limits) => limits.grace,
  async run(ctx) {
    const client = clientStream(ctx.url, unknownDeviceId())
    ctx.defer(() => client.terminate())
    const closed = await client.closedWithin(graceMs(ctx) + TIMER_SLACK_MS)
    ctx.record({ step: 'a stream to an unknown id', actual: closed })
    return firstFailure(closedWith('the waiting stream', closed, CLOSES.deviceNotConnected), notBefore('the waiting stream', closed, graceMs(ctx)))
  },
}

export const graceExpiry: RelayCase = {
  id: '15.6-grace-expiry',
  level: 'MUST',
  requirement: 'pw-relay-15.6-grace-expiry',
  title: 'the streams of a lost link are kept for grace, then closed device-gone device-gone',
  waitSeconds: (limits) => limits.grace,
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    const client = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => client.terminate())
    await link.expectOpen(ctx.timeoutMs, 'a client stream')
    link.socket.terminate()
    const lostAt = Date.now()
    const closed = await client.closedWithin(graceMs(ctx) + TIMER_SLACK_MS)
    const after = Date.now() - lostAt
    ctx.record({ step: 'device link dropped', actual: { closed, after } })
    return firstFailure(
      closedWith('the stream of the lost link', closed, CLOSES.deviceGone),
      after < graceMs(ctx) - 200 ? fail('closed before the grace window ended', `>= ${graceMs(ctx)} ms`, after) : null,
    )
  },
}

export const claimDelivers: RelayCase = {
  id: '15.6-claim-delivers',
  level: 'MUST',
  requirement: 'pw-relay-15.6-claim-delivers',
  title: 'a claim gets open for waiting (new) and lost (resumed) streams, then their queued frames in order',
  async run(ctx) {
    const key = freshDevice()
    const early = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => early.terminate())
    await early.opened
    early.send(Uint8Array.of(1))
    early.send(Uint8Array.of(2, 2))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const first = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    const open = await first.expectOpen(ctx.timeoutMs, 'the early stream')
    const queued = [await first.frame(ctx.timeoutMs), await first.frame(ctx.timeoutMs)]
    first.socket.terminate()
    await first.socket.closed
    // The relay must have seen the link go: a frame in flight to a dying link may be lost (§13.13).
    await new Promise((resolve) => setTimeout(resolve, 300))
    early.send(Uint8Array.of(3, 3, 3))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const second = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => second.socket.terminate())
    const reopened = await second.expectOpen(ctx.timeoutMs, 'the stream of the lost link')
    const gap = await second.frame(ctx.timeoutMs)
    ctx.record({ step: 'queued before the claim and in the gap', actual: { open, queued: queued.map((f) => f?.body.length), reopened, gap: gap === null ? null : { type: gap.type, length: gap.body.length } } })
    return firstFailure(
      open.resumed ? fail('a waiting stream was opened as resumed', 0, 1) : null,
      queued.map((f) => f?.body.length).join() === '1,2' ? null : fail('frames queued before the claim were not delivered in order', [1, 2], queued.map((f) => f?.body.length ?? null)),
      reopened.stream === open.stream && reopened.resumed ? null : fail('the lost stream was not opened as resumed on the new link', { stream: open.stream, resumed: true }, reopened),
      gap?.type === 'data' && gap.body.length === 3 ? null : fail('the frame sent in the gap was not delivered', 3, gap?.body.length ?? null),
    )
  },
}

export const overflow: RelayCase = {
  id: '15.6-overflow',
  level: 'MUST',
  requirement: 'pw-relay-15.6-overflow',
  title: 'a waiting stream that queues more than max_stream_buffer bytes is closed stream-overflow',
  needs: ['max_stream_buffer'],
  async run(ctx) {
    const limit = ctx.limits.max_stream_buffer!
    const client = clientStream(ctx.url, unknownDeviceId())
    ctx.defer(() => client.terminate())
    await client.opened
    const chunk = new Uint8Array(Math.min(ctx.limits.max_frame, 16_384))
    for (let sent = 0; sent <= limit; sent += chunk.length) client.send(chunk)
    client.send(chunk)
    const closed = await client.closedWithin(ctx.timeoutMs)
    return firstFailure(closedWith("the overflowing stream", closed, CLOSES.streamOverflow))
  },
}

export const idle: RelayCase = {
  id: '15.6-idle',
  level: 'MUST',
  requirement: 'pw-relay-15.6-idle',
  title: 'a stream with no frame for idle_timeout closes idle-timeout and is ended on the link',
  needs: ['idle_timeout'],
  waitSeconds: (limits) => limits.idle_timeout ?? 0,
  async run(ctx) {
    const limit = ctx.limits.idle_timeout! * 1000
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const client = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => client.terminate())
    const { stream } = await link.expectOpen(ctx.timeoutMs, 'a client stream')
    const closed = await client.closedWithin(limit + TIMER_SLACK_MS)
    const ended = await link.frame(ctx.timeoutMs)
    return firstFailure(
      closedWith('the idle stream', closed, CLOSES.idleTimeout),
      closed !== null && closed.afterMs < limit - 200 ? fail('closed before idle_timeout', `>= ${limit} ms`, closed.afterMs) : null,
      ended?.type === 'end' && ended.stream === stream ? null : fail('the idle stream was not ended on the link', 'end', ended?.type ?? null),
    )
  },
}

export const linkKeepalive: RelayCase = {
  id: '15.6-link-keepalive',
  level: 'MUST',
  requirement: 'pw-relay-15.6-link-keepalive',
  title: 'the relay pings each link and closes one that answers none with idle-timeout',
  needs: ['ping_interval'],
  waitSeconds: (limits) => 2 * (limits.ping_interval ?? 0),
  async run(ctx) {
    const interval = ctx.limits.ping_interval! * 1000
    const link = await DeviceLink.hold(ctx.url, freshDevice(), ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    let pinged = false
    link.socket.ws.once('ping', () => (pinged = true))
    await new Promise((resolve) => setTimeout(resolve, interval + 300))
    // Stop reading: no Pong goes out, and the relay must give up on the link.
    link.socket.ws.pause()
    await new Promise((resolve) => setTimeout(resolve, 2 * interval + TIMER_SLACK_MS))
    link.socket.ws.resume()
    const closed = await link.socket.closedWithin(ctx.timeoutMs)
    return firstFailure(
      pinged ? null : fail('no Ping within ping_interval', 'a Ping', 'none'),
      closedWith('the link that answered no Ping', closed, CLOSES.idleTimeout),
    )
  },
}

export const cases: readonly RelayCase[] = [waitThen4404, graceExpiry, claimDelivers, overflow, idle, linkKeepalive]
