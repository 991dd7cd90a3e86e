/**
 * Spec §15.8: the relay's answers to a client stream do not depend on whether the id was never
 * held, is in a grace window, or was held before; and the relay sends clients no frames of its own.
 */
import { CLOSES } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { closedWith, TIMER_SLACK_MS } from '../checks.ts'
import type { RelayCase } from '../context.ts'
import { clientStream, DeviceLink, freshDevice, unknownDeviceId } from '../wire.ts'

export const noOracle: RelayCase = {
  id: '15.8-no-oracle',
  level: 'MUST',
  requirement: 'pw-relay-15.8-no-oracle',
  title: 'never-held and in-grace ids get the same close, reason and timing',
  waitSeconds: (limits) => limits.grace,
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    link.socket.terminate()
    await link.socket.closed
    const [never, inGrace] = [clientStream(ctx.url, unknownDeviceId()), clientStream(ctx.url, key.deviceId)]
    ctx.defer(() => (never.terminate(), inGrace.terminate()))
    const limit = ctx.limits.grace * 1000 + TIMER_SLACK_MS
    const [a, b] = await Promise.all([never.closedWithin(limit), inGrace.closedWithin(limit)])
    ctx.record({ step: 'streams to a never-held and an in-grace id', actual: { never: a, inGrace: b } })
    return firstFailure(
      closedWith('the never-held id', a, CLOSES.deviceNotConnected),
      closedWith('the in-grace id', b, CLOSES.deviceNotConnected),
      a !== null && b !== null && Math.abs(a.afterMs - b.afterMs) > 500 ? fail('the two closes came at different times', 'the same time', [a.afterMs, b.afterMs]) : null,
    )
  },
}

export const noRelayFrames: RelayCase = {
  id: '15.8-no-relay-frames',
  level: 'MUST',
  requirement: 'pw-relay-15.8-no-relay-frames',
  title: 'a client receives only what the device sends, nothing before it and nothing of the relay',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const client = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => client.terminate())
    const { stream } = await link.expectOpen(ctx.timeoutMs, 'a client stream')
    const before = await client.next(300)
    link.sendData(stream, Uint8Array.of(9, 9))
    const first = await client.next(ctx.timeoutMs)
    const extra = await client.next(300)
    return firstFailure(
      before === null ? null : fail('the client got a frame the device never sent', 'nothing', before.data.toString('hex')),
      first !== null && first.binary && first.data.toString('hex') === '0909' ? null : fail('the device frame did not arrive as sent', '0909', first?.data.toString('hex') ?? null),
      extra === null ? null : fail('the client got a frame the device never sent', 'nothing', extra.data.toString('hex')),
    )
  },
}

export const cases: readonly RelayCase[] = [noOracle, noRelayFrames]
