/**
 * Spec §15.3: holding a slot. A fresh challenge per link; a claim must be the device key's
 * signature over this relay's authority, this challenge and this id, else 4406 and nothing held;
 * a claim timeout; relay-held before any stream; a newer valid claim replaces the older link with
 * 4409 within 1 s (also what §15.10 pw-relay-15.10-registry-replace asks of a multi-node relay).
 */
import { base64urlDecode } from '../../../protocol/encoding.ts'
import { CLOSES, SIZES } from '../../../protocol/registry.ts'
import { fail, firstFailure, PASS } from '../../verdicts.ts'
import { closedWith, TIMER_SLACK_MS } from '../checks.ts'
import type { RelayCase, RelayContext } from '../context.ts'
import { clientStream, DeviceLink, freshDevice, sleep } from '../wire.ts'

export const challengeFresh: RelayCase = {
  id: '15.3-challenge-fresh',
  level: 'MUST',
  requirement: 'pw-relay-15.3-challenge-fresh',
  title: 'each device link starts with a relay-challenge of 32 bytes, never the same twice',
  async run(ctx) {
    const key = freshDevice()
    const seen = new Set<string>()
    for (let i = 0; i < 4; i++) {
      const link = await DeviceLink.open(ctx.url, key, ctx.timeoutMs)
      const challenge = link.challenge!.challenge
      link.socket.terminate()
      if (base64urlDecode(challenge).length !== SIZES.relayChallenge) return fail('a challenge of another length', 32, challenge)
      if (seen.has(challenge)) return fail('a challenge was repeated', 'fresh challenges', challenge)
      seen.add(challenge)
    }
    return PASS
  },
}

/** Sends `claim` on a fresh link for `key`; the close (or null) and whether a client then reached it. */
async function refusedClaim(ctx: RelayContext, make: (link: DeviceLink) => string | Uint8Array) {
  const key = freshDevice()
  const link = await DeviceLink.open(ctx.url, key, ctx.timeoutMs)
  ctx.defer(() => link.socket.terminate())
  link.socket.send(make(link))
  const answer = await link.socket.next(ctx.timeoutMs)
  const closed = await link.socket.closedWithin(ctx.timeoutMs)
  return { answer: answer?.data.toString('utf8') ?? null, closed }
}

export const claimChecks: RelayCase = {
  id: '15.3-claim-checks',
  level: 'MUST',
  requirement: 'pw-relay-15.3-claim-checks',
  title: 'a claim with another key, a bad or non-canonical signature, or not a claim, is closed claim-refused and holds nothing',
  async run(ctx) {
    const other = freshDevice()
    const variants: Record<string, (link: DeviceLink) => string | Uint8Array> = {
      'another key signing for this id': (link) => link.claim({ seed: other.seed, publicKey: other.publicKey }),
      'the right key, a zero signature': (link) => link.claim({ signature: new Uint8Array(64) }),
      'a signature with one bit flipped': (link) => {
        const claim = JSON.parse(link.claim()) as { signature: string }
        const bytes = base64urlDecode(claim.signature)
        bytes[5]! ^= 1
        return link.claim({ signature: bytes })
      },
      'a binary frame': () => new Uint8Array(64),
      'JSON that is no relay-claim': () => JSON.stringify({ v: 1, type: 'claim' }),
    }
    const checks = []
    for (const [what, make] of Object.entries(variants)) {
      const { answer, closed } = await refusedClaim(ctx, make)
      ctx.record({ step: what, actual: { answer, closed } })
      checks.push(answer === null ? null : fail(`${what}: the relay answered instead of closing`, 'close claim-refused', answer))
      checks.push(closedWith(what, closed, CLOSES.claimRefused))
    }
    return firstFailure(...checks)
  },
}

export const hostBound: RelayCase = {
  id: '15.3-host-bound',
  level: 'MUST',
  requirement: 'pw-relay-15.3-host-bound',
  title: 'a claim signed over another relay authority is closed claim-refused; over the Host sent, in other case, held',
  async run(ctx) {
    const { answer, closed } = await refusedClaim(ctx, (link) => link.claim({ host: 'relay.invalid:443' }))
    const key = freshDevice()
    const link = await DeviceLink.open(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    link.socket.send(link.claim({ host: new URL(link.socket.ws.url).host.toUpperCase() }))
    const held = await link.socket.next(ctx.timeoutMs)
    return firstFailure(
      answer === null ? null : fail('a claim for another authority was answered', 'close claim-refused', answer),
      closedWith('a claim for another authority', closed, CLOSES.claimRefused),
      held !== null && held.data.toString('utf8').includes('"held"') ? null : fail('a claim over the Host in upper case was not held (the claim message lowercases it)', 'relay-held', held?.data.toString('utf8') ?? null),
    )
  },
}

export const claimTimeout: RelayCase = {
  id: '15.3-claim-timeout',
  level: 'MUST',
  requirement: 'pw-relay-15.3-claim-timeout',
  title: 'a link that sends no claim is closed claim-timeout claim-timeout after claim_timeout',
  needs: ['claim_timeout'],
  waitSeconds: (limits) => limits.claim_timeout ?? 0,
  async run(ctx) {
    const limit = ctx.limits.claim_timeout! * 1000
    const link = await DeviceLink.open(ctx.url, freshDevice(), ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const closed = await link.socket.closedWithin(limit + TIMER_SLACK_MS)
    ctx.record({ step: 'no claim', actual: closed })
    return firstFailure(
      closedWith('a link without a claim', closed, CLOSES.claimTimeout),
      closed !== null && closed.afterMs < limit - 200 ? fail('closed before claim_timeout', `>= ${limit} ms`, closed.afterMs) : null,
    )
  },
}

export const held: RelayCase = {
  id: '15.3-held',
  level: 'MUST',
  requirement: 'pw-relay-15.3-held',
  title: 'a valid claim gets relay-held with the relay limits, and a waiting stream is opened only after it',
  async run(ctx) {
    const key = freshDevice()
    const waiting = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => waiting.terminate())
    await waiting.opened
    const link = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    const open = await link.expectOpen(ctx.timeoutMs, 'the stream waiting before the claim')
    return open.resumed ? fail('a stream that never reached a device was opened as resumed', 0, 1) : PASS
  },
}

export const oneClaim: RelayCase = {
  id: '15.3-one-claim',
  level: 'MUST',
  requirement: 'pw-relay-15.3-one-claim',
  title: 'a valid claim after another first frame holds nothing',
  async run(ctx) {
    const key = freshDevice()
    const link = await DeviceLink.open(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => link.socket.terminate())
    link.socket.send(JSON.stringify({ v: 1, type: 'hello' }))
    link.socket.send(link.claim())
    const answer = await link.socket.next(ctx.timeoutMs)
    const closed = await link.socket.closedWithin(ctx.timeoutMs)
    return firstFailure(
      answer === null ? null : fail('the relay answered a claim that was not the first frame', 'a close', answer.data.toString('utf8')),
      closed === null ? fail('the link stayed open', 'a close', 'open') : null,
    )
  },
}

export const replace: RelayCase = {
  id: '15.3-replace',
  level: 'MUST',
  requirement: 'pw-relay-15.3-replace',
  title: 'a newer valid claim takes the slot: the older link is closed device-replaced within 1 s, its streams move',
  async run(ctx) {
    const key = freshDevice()
    const older = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => older.socket.terminate())
    const client = clientStream(ctx.url, key.deviceId)
    ctx.defer(() => client.terminate())
    const { stream } = await older.expectOpen(ctx.timeoutMs, 'a client stream')
    const newer = await DeviceLink.hold(ctx.url, key, ctx.timeoutMs)
    ctx.defer(() => newer.socket.terminate())
    const heldAt = Date.now()
    const closed = await older.socket.closedWithin(1000 + 250)
    const moved = await newer.expectOpen(ctx.timeoutMs, 'the stream of the older link')
    client.send(Uint8Array.of(1, 2, 3))
    const data = await newer.frame(ctx.timeoutMs)
    ctx.record({ step: 'second claim with the same key', actual: { older: closed, afterMs: Date.now() - heldAt, moved } })
    return firstFailure(
      closedWith('the older link', closed, CLOSES.deviceReplaced),
      moved.stream === stream && moved.resumed ? null : fail('the stream did not move to the newer link as resumed', { stream, resumed: true }, moved),
      data?.type === 'data' && data.stream === stream ? null : fail('client frames did not reach the newer link', 'data', data?.type ?? null),
    )
  },
}

export const cases: readonly RelayCase[] = [challengeFresh, claimChecks, hostBound, claimTimeout, held, oneClaim, replace]
void sleep
