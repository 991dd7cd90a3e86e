/**
 * POST pair/start and pair/finish (spec §5.7, §5.8, Table 5-1): the two HTTP round trips of
 * SPAKE2 with the device as B, each checked in the spec's order and answering the first failure.
 * pair/finish consumes the pairing_id whatever happens, re-checks the pairing's window (it may
 * have expired, closed or been replaced since pair/start), and verifies cA before it reveals cB.
 * Only a failed cA spends the window's failure budget (§5.4).
 */
import { base64urlDecode, base64urlEncode } from '../../protocol/encoding.ts'
import { isProtocolError } from '../../protocol/errors.ts'
import { clientIdOf, isAcceptableClientKey } from '../../protocol/ids.ts'
import {
  CLOSES,
  PROBLEMS,
  PROTOCOL_VERSION,
  SIZES,
  type ProblemEntry,
} from '../../protocol/registry.ts'
import { confirmationMac, confirmDevicePairing } from '../../protocol/spake2/index.ts'
import { checkShare, respondToShare, respondToShareFast } from '../pairing/device-share.ts'
import type { PendingPairing } from '../pairing/pending.ts'
import type { Attempt } from '../pairing/window.ts'
import { recordSecret } from '../secret-sweep.ts'
import type { HttpDeps } from './deps.ts'
import { HttpProblem } from './http-problem.ts'
import { readMessage } from './message.ts'
import { sendJson } from './respond.ts'
import type { Exchange, Handler } from './router.ts'

/** §5.7 step 2; fault invalid-share-500 answers 500 instead of 400. */
function requireValidShare(deps: HttpDeps, pA: Uint8Array): void {
  try {
    checkShare(pA)
  } catch (e) {
    if (!isProtocolError(e, 'invalid-share')) throw e
    const fault = deps.ctx.faults.has('invalid-share-500')
    throw new HttpProblem(fault ? PROBLEMS.internalError : PROBLEMS.invalidShare)
  }
}

export function pairStart(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex: Exchange) => {
    const message = await readMessage(ex, deps.body, 'pair-start-request')
    const pA = base64urlDecode(message.pA, SIZES.p256UncompressedPoint)
    const clientKey = base64urlDecode(message.client_key, SIZES.ed25519PublicKey)
    // §5.7 step 1: a small-order or non-point client_key (fault accept-small-order-key lets it in).
    if (!isAcceptableClientKey(clientKey) && !ctx.faults.has('accept-small-order-key')) {
      throw new HttpProblem(PROBLEMS.malformedRequest)
    }
    requireValidShare(deps, pA)
    const now = ctx.now()
    // §5.4: the window's TTL is checked at pair/start (and again at pair/finish).
    const window = await deps.window.current(now, !ctx.faults.has('pin-never-expires'))
    if (window === undefined) throw new HttpProblem(PROBLEMS.pairingWindowClosed)
    const full = () => new HttpProblem(PROBLEMS.rateLimited, { retryAfter: ctx.limits.pairing_ttl })
    if (!(await deps.pending.hasRoom(window.generation, now))) throw full()
    const deviceKey = ctx.identity.publicKey
    const { backend } = ctx
    const respond = ctx.faults.has('identity-k-fast-path') ? respondToShareFast : respondToShare
    const { pB, state } = respond({ pin: window.pin, clientKey, deviceKey, pA, backend })
    const expiresAt = now + ctx.limits.pairing_ttl
    const pending = { state, windowGeneration: window.generation, clientKey,
      clientName: message.client_name, expiresAt }
    const pairingId = await deps.pending.add(pending, now)
    if (pairingId === undefined) throw full()
    ctx.log.info('pair.start', { remote: ex.remote })
    sendJson(ex.res, 200, {
      v: PROTOCOL_VERSION,
      pairing_id: pairingId,
      pB: base64urlEncode(pB),
      device_key: base64urlEncode(deviceKey),
      expires_at: Math.min(expiresAt, window.expiresAt),
    })
  }
}

async function confirmationFailed(
  deps: HttpDeps,
  ex: Exchange,
  pending: PendingPairing,
  attempt: Attempt,
): Promise<void> {
  const { ctx } = deps
  const remaining = await attempt.failed()
  const extras = { attempts_remaining: remaining }
  if (!ctx.faults.has('reveal-cb-before-ca')) {
    throw new HttpProblem(PROBLEMS.confirmationFailed, { extras })
  }
  const clientId = clientIdOf(pending.clientKey, ctx.backend)
  // The fault: cB = MAC(KcB, TT) from the pending state although cA did not verify.
  const { KcB, TT, backend } = pending.state
  sendJson(ex.res, 200, {
    v: PROTOCOL_VERSION,
    client_id: clientId,
    device_id: ctx.identity.deviceId,
    cB: base64urlEncode(confirmationMac(KcB, TT, backend)),
  })
}

/**
 * §5.8 step 4: the pairing's window is still the open one (expiry unchecked under faults), and
 * it has room for one more confirmation (§5.4 atomic budget); the attempt is counted here.
 */
async function attemptIn(deps: HttpDeps, pending: PendingPairing, now: number): Promise<Attempt> {
  const { faults } = deps.ctx
  const checkTtl = !faults.has('pin-never-expires') && !faults.has('skip-ttl-check-at-finish')
  const window = await deps.window.current(now, checkTtl)
  const attempt =
    window?.generation === pending.windowGeneration
      ? await deps.window.beginAttempt(window.generation)
      : undefined
  if (attempt === undefined) throw new HttpProblem(PROBLEMS.pairingWindowClosed)
  return attempt
}

/** Spec §9.4: a pair/finish refused for its pairing, its window or its cA is audited. */
const AUDITED_FAILURES: readonly ProblemEntry[] = [
  PROBLEMS.unknownPairing,
  PROBLEMS.pairingWindowClosed,
  PROBLEMS.confirmationFailed,
]

function auditFailure(deps: HttpDeps, ex: Exchange, e: unknown): void {
  if (!(e instanceof HttpProblem) || !AUDITED_FAILURES.includes(e.entry)) return
  const fields = { problem: e.entry.name, ...e.options.extras, remote: ex.remote }
  deps.ctx.audit.record('pair.failure', fields)
}

export function pairFinish(deps: HttpDeps): Handler {
  const finish = finishPairing(deps)
  return (ex: Exchange) =>
    finish(ex).catch((e: unknown) => {
      auditFailure(deps, ex, e)
      throw e
    })
}

function finishPairing(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex: Exchange) => {
    const message = await readMessage(ex, deps.body, 'pair-finish-request')
    const cA = base64urlDecode(message.cA, SIZES.confirmationMac)
    recordSecret('confirmation', cA)
    const now = ctx.now()
    const pending = await deps.pending.take(message.pairing_id, now)
    if (pending === undefined) throw new HttpProblem(PROBLEMS.unknownPairing)
    const attempt = await attemptIn(deps, pending, now)
    let confirmed: { cB: Uint8Array; pairingKey: Uint8Array }
    try {
      confirmed = confirmDevicePairing(pending.state, cA)
    } catch (e) {
      if (!isProtocolError(e, 'confirmation-failed')) throw e
      return confirmationFailed(deps, ex, pending, attempt)
    }
    recordSecret('pairing-key', confirmed.pairingKey)
    recordSecret('confirmation', confirmed.cB)
    // Closed atomically before the client is stored, so two racing finishes (on any nodes) never
    // both succeed (§5.4 single success); reopened unchanged when storing fails (Table 5-1: 503,
    // the window stays open).
    const reopen = await attempt.succeeded()
    if (reopen === undefined) throw new HttpProblem(PROBLEMS.pairingWindowClosed)
    const clientId = clientIdOf(pending.clientKey, ctx.backend)
    const record = {
      client_id: clientId,
      client_key: base64urlEncode(pending.clientKey),
      name: pending.clientName,
      pairing_key: base64urlEncode(confirmed.pairingKey),
      paired_at: now,
    }
    await ctx.store.putClient(record).catch(async (e: unknown) => {
      await reopen().catch(() => undefined)
      throw e
    })
    // §5.8: a re-pairing replaces the record; sessions under the old pairing key end.
    ctx.sessions.closeClient(clientId, CLOSES.clientRevoked)
    ctx.audit.record('pair.success', { client_id: clientId, name: record.name, remote: ex.remote })
    sendJson(ex.res, 200, {
      v: PROTOCOL_VERSION,
      client_id: clientId,
      device_id: ctx.identity.deviceId,
      cB: base64urlEncode(confirmed.cB),
    })
  }
}
