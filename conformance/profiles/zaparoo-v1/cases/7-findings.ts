/**
 * Spec/profiles/zaparoo-v1.md §7: the findings. Each case answers `finding` when the device does
 * what zaparoo-v1 does today, `pass` when it does what Pairwire 1 requires, and `fail` only when
 * it does neither (the profile's own facts no longer hold).
 */
import { randomBytes } from 'node:crypto'
import { clientMessage, encodePakeMessage } from '../../../../protocol/profiles/zaparoo-v1/index.ts'
import { LABELS } from '../../../../protocol/registry.ts'
import { fail, PASS, skipCase } from '../../../verdicts.ts'
import { finding, type ProfileCase } from '../context.ts'
import { expectError, PAIR_FINISH, PAIR_START, post } from '../http.ts'
import { acceptedStart, clientConfirm, finishPairing, pairClient, startPairing } from '../pairing.ts'
import { connect, openSession, rpc, Session } from '../socket.ts'

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
/** Time for a broadcast to reach an idle socket on the same host or network. */
const BROADCAST_WAIT_MS = 500

export const plaintextBroadcast: ProfileCase = {
  id: '7.1-plaintext-broadcast',
  level: 'SHOULD',
  requirement: 'zp-find-7.1-plaintext-broadcast',
  title: 'a remote socket that never authenticated receives no notification',
  kind: 'finding',
  needsPin: true,
  only: 'remote',
  async run(ctx) {
    const idle = await connect(ctx, 'idle socket (never sends)')
    await pairClient(ctx, 'broadcast trigger')
    const leaked = await idle.next(BROADCAST_WAIT_MS)
    ctx.record({ step: 'idle socket after a pairing', actual: leaked === undefined ? 'no frame' : 'a frame' })
    if (leaked === undefined) return PASS
    return finding('an unauthenticated socket received a plaintext notification', 'no frame', leaked.slice(0, 120))
  },
}

const TTL_SECONDS = 3
/** Past the PIN's expiry, and past one pairing-limit interval. */
const AFTER_EXPIRY_MS = 1200
const SLOW_MS = 15_000

export const ttlAtFinish: ProfileCase = {
  id: '7.2-ttl-at-finish',
  level: 'SHOULD',
  requirement: 'zp-find-7.2-ttl-at-finish',
  title: 'pair/finish after the PIN expired gets 410, not a pairing',
  kind: 'finding',
  needsPin: true,
  async run(ctx) {
    const { pin, expiresAtMs } = await ctx.openPin(TTL_SECONDS)
    const wait = expiresAtMs - Date.now() + AFTER_EXPIRY_MS
    if (wait > SLOW_MS && !ctx.slow) skipCase(`waits ${Math.ceil(wait / 1000)} s for the PIN to expire: pass --slow`)
    const started = await startPairing(ctx, pin)
    const accepted = acceptedStart(started)
    const { confirm } = clientConfirm(started, accepted)
    ctx.record({ step: `wait ${Math.ceil(Math.max(0, expiresAtMs + AFTER_EXPIRY_MS - Date.now()) / 1000)} s for the PIN to expire` })
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAtMs + AFTER_EXPIRY_MS - Date.now())))
    const reply = await post(ctx, PAIR_FINISH, { session: accepted.session, confirm: b64(confirm) }, 'pair/finish after expiry')
    if (reply.status === 200) return finding('a pairing completed after its PIN expired', 410, 200)
    return expectError(reply, 410, 'pairing expired') ?? PASS
  },
}

export const invalidPoint: ProfileCase = {
  id: '7.3-invalid-point',
  level: 'SHOULD',
  requirement: 'zp-find-7.3-invalid-point',
  title: 'an off-curve X gets 400, not 500',
  kind: 'finding',
  needsPin: true,
  async run(ctx) {
    await ctx.openPin()
    const msgA = encodePakeMessage(clientMessage({ x: 5n, y: 7n }))
    const reply = await post(ctx, PAIR_START, { pake: b64(msgA), name: 'n' }, 'X = (5, 7), off the curve')
    if (reply.status === 500) return finding('an invalid curve point gets 500 internal error', 400, 500)
    return reply.status === 400 ? PASS : fail('expected 400 (or the known 500)', 400, reply.status)
  },
}

/** Facts §3.7: 200 salts per client are remembered; one more evicts the oldest. */
const SALTS_PER_CLIENT = 200

export const replayAfterEviction: ProfileCase = {
  id: '7.4-replay-after-eviction',
  level: 'SHOULD',
  requirement: 'zp-find-7.4-replay-after-eviction',
  title: 'a recorded first frame is refused after 200 newer sessions',
  kind: 'finding',
  needsPin: true,
  async run(ctx) {
    const paired = await pairClient(ctx)
    const recorded = new Session(await connect(ctx, 'recorded session'), paired, randomBytes(16))
    const firstFrame = recorded.firstFrame(rpc(1, 'version'))
    recorded.socket.send(firstFrame)
    if ((await recorded.receive(ctx.timeoutMs)) === undefined) return fail('the recorded session must open', 'answer', 'none')
    recorded.socket.ws.terminate()
    // Only this case's own summary goes to the report, not 200 session openings.
    const quiet = { ...ctx, record: () => undefined }
    for (let i = 0; i < SALTS_PER_CLIENT; i++) {
      const s = await openSession(quiet, paired, `newer session ${i + 1}`)
      s.socket.ws.terminate()
    }
    ctx.record({ step: `${SALTS_PER_CLIENT} newer sessions opened` })
    const replay = await connect(ctx, 'replay of the recorded first frame')
    replay.send(firstFrame)
    const answer = await replay.next(ctx.timeoutMs)
    ctx.record({ step: 'replayed first frame', actual: answer === undefined ? 'closed, no answer' : 'answered' })
    if (answer !== undefined) return finding('a replayed session executed its command again', 'silent close', 'an encrypted answer')
    return PASS
  },
}

export const rateLimitBody: ProfileCase = {
  id: '7.5-rate-limit-body',
  level: 'SHOULD',
  requirement: 'zp-find-7.5-rate-limit-body',
  title: 'a rate-limited pairing request gets problem+json with Retry-After',
  kind: 'finding',
  only: 'remote',
  async run(ctx) {
    const body = { pake: '!!!!', name: 'n' }
    await post(ctx, PAIR_START, body, 'pair/start (takes the bucket)')
    const reply = await post(ctx, PAIR_START, body, 'pair/start at once', { paced: false })
    if (reply.status !== 429) return fail('the second request within 1 s must be rate-limited', 429, reply.status)
    const type = reply.contentType.split(';')[0]!.trim()
    if (type === LABELS.problemContentType) return PASS
    return finding('429 answers text/plain, not problem+json', LABELS.problemContentType, type)
  },
}

export const cases = [plaintextBroadcast, ttlAtFinish, invalidPoint, replayAfterEviction, rateLimitBody]
