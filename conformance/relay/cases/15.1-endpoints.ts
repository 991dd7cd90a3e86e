/** Spec §15.1: the two endpoints at their paths, nothing else, no WebSocket extension. */
import { PATHS, PROBLEMS } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { refusedWith } from '../checks.ts'
import type { RelayCase } from '../context.ts'
import { rawRequest, unknownDeviceId } from '../wire.ts'

export const paths: RelayCase = {
  id: '15.1-paths',
  level: 'MUST',
  requirement: 'pw-relay-15.1-paths',
  title: 'an upgrade to any other path is 404 not-found; the two endpoints upgrade',
  async run(ctx) {
    const id = unknownDeviceId()
    const other = await rawRequest(ctx.url, `/pairwire-relay/v1/other?device_id=${id}`)
    const client = await rawRequest(ctx.url, `${PATHS.relayClient}?device_id=${id}`)
    ctx.record({ step: 'upgrade to /pairwire-relay/v1/other and to the client endpoint', actual: [other.status, client.status] })
    return firstFailure(
      refusedWith('/pairwire-relay/v1/other', other, PROBLEMS.notFound),
      client.status === 101 ? null : fail('the client endpoint did not upgrade', 101, client.status),
    )
  },
}

export const noExtensions: RelayCase = {
  id: '15.1-no-extensions',
  level: 'MUST',
  requirement: 'pw-relay-15.1-no-extensions',
  title: 'permessage-deflate offered on either endpoint is not accepted',
  async run(ctx) {
    const id = unknownDeviceId()
    const offer = { 'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits' }
    const answers = await Promise.all([PATHS.relayClient, PATHS.relayDevice].map((p) => rawRequest(ctx.url, `${p}?device_id=${id}`, { headers: offer })))
    ctx.record({ step: 'upgrades offering permessage-deflate', actual: answers.map((a) => [a.status, a.headers['sec-websocket-extensions'] ?? null]) })
    const accepted = answers.find((a) => a.status === 101 && a.headers['sec-websocket-extensions'] !== undefined)
    if (answers.some((a) => a.status !== 101)) return fail('an endpoint did not upgrade', 101, answers.map((a) => a.status))
    return accepted === undefined ? { status: 'pass' } : fail('the relay accepted an extension', 'no Sec-WebSocket-Extensions', accepted.headers['sec-websocket-extensions'])
  },
}

export const cases: readonly RelayCase[] = [paths, noExtensions]
