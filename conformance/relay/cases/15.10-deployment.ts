/**
 * Spec §15.10: whatever the deployment behind the URL (one node, nodes routed by device_id
 * pw-relay-15.10-route-by-id, or a shared slot registry pw-relay-15.10-registry-replace, whose
 * 4409 within 1 s 15.3-replace checks), it answers as one relay: every stream to a held id reaches
 * the one link holding it, over many separate connections.
 */
import { fail, PASS } from '../../verdicts.ts'
import type { RelayCase } from '../context.ts'
import { clientStream, DeviceLink, freshDevice } from '../wire.ts'

export const oneRelay: RelayCase = {
  id: '15.10-one-relay',
  level: 'MUST',
  requirement: 'pw-relay-15.10-one-relay',
  title: 'streams over separate connections all reach the one link holding the slot',
  async run(ctx) {
    const keys = [freshDevice(), freshDevice()]
    const links = await Promise.all(keys.map((k) => DeviceLink.hold(ctx.url, k, ctx.timeoutMs)))
    ctx.defer(() => links.forEach((l) => l.socket.terminate()))
    for (let i = 0; i < 6; i++) {
      const which = i % 2
      const client = clientStream(ctx.url, keys[which]!.deviceId)
      ctx.defer(() => client.terminate())
      await links[which]!.expectOpen(ctx.timeoutMs, `stream ${i + 1}`)
      client.terminate()
      const end = await links[which]!.frame(ctx.timeoutMs)
      if (end?.type !== 'end') return fail('the stream was not ended on its link', 'end', end?.type ?? null)
    }
    const stray = await Promise.all(links.map((l) => l.frame(200)))
    return stray.every((f) => f === null) ? PASS : fail('a link got a stream of another device_id', 'nothing', stray.map((f) => f?.type ?? null))
  },
}

export const cases: readonly RelayCase[] = [oneRelay]
