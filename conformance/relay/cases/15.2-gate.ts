/**
 * Spec §15.2: every refusal answered before the upgrade with its own status and problem type, in
 * the table's order; stream counts per device_id whatever the slot's state (no oracle, §15.8).
 */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { fail, firstFailure, PASS } from '../../verdicts.ts'
import { refusedWith } from '../checks.ts'
import type { RelayCase } from '../context.ts'
import { clientStream, DeviceLink, freshDevice, rawRequest, unknownDeviceId, type Socket } from '../wire.ts'

export const gateOrder: RelayCase = {
  id: '15.2-gate-order',
  level: 'MUST',
  requirement: 'pw-relay-15.2-gate-order',
  title: 'the first failing check of the gate table decides the answer',
  async run(ctx) {
    const bad = 'device_id=pwd_short'
    const answers = {
      unknownPathPost: await rawRequest(ctx.url, `/nowhere?${bad}`, { method: 'POST' }),
      postClient: await rawRequest(ctx.url, `${PATHS.relayClient}?${bad}`, { method: 'POST' }),
      plainGetBadId: await rawRequest(ctx.url, `${PATHS.relayClient}?${bad}`, { upgrade: false }),
      upgradeBadId: await rawRequest(ctx.url, `${PATHS.relayDevice}?${bad}`),
    }
    ctx.record({ step: 'requests failing several checks', actual: Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status])) })
    return firstFailure(
      refusedWith('POST to an unknown path with a bad id', answers.unknownPathPost, PROBLEMS.notFound),
      refusedWith('POST to the client endpoint with a bad id', answers.postClient, PROBLEMS.methodNotAllowed),
      refusedWith('a GET that is no upgrade, with a bad id', answers.plainGetBadId, PROBLEMS.upgradeRequired),
      refusedWith('an upgrade with a bad id', answers.upgradeBadId, PROBLEMS.malformedRequest),
    )
  },
}

export const noUpgradeOnRefusal: RelayCase = {
  id: '15.2-no-upgrade-on-refusal',
  level: 'MUST',
  requirement: 'pw-relay-15.2-no-upgrade-on-refusal',
  title: 'a missing, repeated or malformed device_id is refused 400 malformed-request, never upgraded',
  async run(ctx) {
    const good = unknownDeviceId()
    const queries = ['', '?device_id=', `?device_id=${good}&device_id=${good}`, '?device_id=pwd_AAAA', `?device_id=${good.replace('pwd_', 'pwc_')}`, `?device_id=${good}%00`]
    const checks = []
    for (const path of [PATHS.relayClient, PATHS.relayDevice]) {
      for (const query of queries) checks.push(refusedWith(`${path}${query}`, await rawRequest(ctx.url, path + query), PROBLEMS.malformedRequest))
    }
    ctx.record({ step: 'upgrades with bad device_id values', sent: queries })
    return firstFailure(...checks)
  },
}

export const streamCountAnyId: RelayCase = {
  id: '15.2-stream-count-any-id',
  level: 'MUST',
  requirement: 'pw-relay-15.2-stream-count-any-id',
  title: 'max_streams_per_device is reached the same way for an id no device holds and for a held one',
  async run(ctx) {
    const cap = ctx.limits.max_streams_per_device
    if (cap > 16) return { status: 'skip', reason: `max_streams_per_device ${cap} is too many streams to open`, cause: 'precondition' }
    const key = freshDevice()
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const verdicts = []
    for (const id of [unknownDeviceId(), key.deviceId]) {
      const streams: Socket[] = []
      ctx.defer(() => streams.forEach((s) => s.terminate()))
      for (let i = 0; i < cap; i++) {
        const s = clientStream(ctx.url, id)
        streams.push(s)
        if (!(await s.opened)) return fail(`stream ${i + 1} of ${cap} was refused`, 101, s.refusedStatus)
      }
      const over = await rawRequest(ctx.url, `${PATHS.relayClient}?device_id=${id}`)
      ctx.record({ step: `stream ${cap + 1} to ${id === key.deviceId ? 'a held' : 'an unknown'} id`, actual: over.status })
      verdicts.push(refusedWith(`stream ${cap + 1}`, over, PROBLEMS.relayStreamLimit))
      streams.forEach((s) => s.terminate())
    }
    return firstFailure(...verdicts) ?? PASS
  },
}

export const cases: readonly RelayCase[] = [gateOrder, noUpgradeOnRefusal, streamCountAnyId]
