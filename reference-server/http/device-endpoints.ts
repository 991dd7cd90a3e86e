/**
 * The device's unauthenticated endpoints besides pairing: discovery (spec §4) and the optional
 * test-control endpoints (spec §12: test/pin, test/revoke), routed only when the test interface is on and answering
 * only loopback peers; otherwise it is indistinguishable from an unknown path.
 */
import { base64urlEncode } from '../../protocol/encoding.ts'
import { SIGNATURE_ALGORITHMS } from '../../protocol/httpsig/index.ts'
import { PROBLEMS, PROTOCOL_VERSION, SUPPORTED_VERSIONS } from '../../protocol/registry.ts'
import type { ServerContext } from '../context.ts'
import type { HttpDeps } from './deps.ts'
import { HttpProblem } from './http-problem.ts'
import { isLoopbackAddress } from './loopback.ts'
import { readMessage } from './message.ts'
import { revokeClient } from './revocation.ts'
import { sendJson, sendNoContent } from './respond.ts'
import type { Handler } from './router.ts'

export const BASE_PROFILES = ['pairing', 'session', 'signed-http'] as const
export const TEST_CONTROL_PROFILE = 'test-control'

/**
 * The discovery document (spec §4): identity, versions, profiles, algorithms and every limit.
 * `test-control` is listed only where it is served: to a loopback peer of a device with the
 * interface on, never on a relayed stream (§4.2, §15.5 pw-relay-15.5-no-test-control).
 */
export function discoveryDocument(ctx: ServerContext, remote: string): object {
  const profiles: string[] = [...BASE_PROFILES]
  if (ctx.testHooks && isLoopbackAddress(remote)) profiles.push(TEST_CONTROL_PROFILE)
  return {
    v: PROTOCOL_VERSION,
    versions: [...SUPPORTED_VERSIONS],
    device_id: ctx.identity.deviceId,
    device_key: base64urlEncode(ctx.identity.publicKey),
    name: ctx.identity.name,
    profiles,
    algorithms: [...SIGNATURE_ALGORITHMS],
    limits: { ...ctx.limits },
  }
}

export function discovery(deps: HttpDeps): Handler {
  return async (ex) => sendJson(ex.res, 200, discoveryDocument(deps.ctx, ex.remote))
}

/** Spec §12.1: opens (or replaces) the pairing window and tells the caller its PIN. */
export function testPin(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex) => {
    // Only routed with the interface on; a non-loopback peer is answered as for no route.
    if (!isLoopbackAddress(ex.remote)) throw new HttpProblem(PROBLEMS.notFound)
    const message = await readMessage(ex, deps.body, 'test-pin-request')
    const ttl = message.ttl ?? ctx.limits.pin_ttl
    if (ttl < 1 || ttl > ctx.limits.max_pin_ttl) throw new HttpProblem(PROBLEMS.malformedRequest)
    const { pin, expiresAt } = await deps.window.open(ttl, ctx.now())
    ctx.log.info('pairing.window-open', { expires_at: expiresAt, by: 'test-control' })
    sendJson(ex.res, 200, { v: PROTOCOL_VERSION, pin, expires_at: expiresAt })
  }
}

/** Spec §12.4: the operator's revocation (§9.3), reachable by the harness; 404 for no client. */
export function testRevoke(deps: HttpDeps): Handler {
  const { ctx } = deps
  return async (ex) => {
    if (!isLoopbackAddress(ex.remote)) throw new HttpProblem(PROBLEMS.notFound)
    const message = await readMessage(ex, deps.body, 'test-revoke-request')
    if (!(await revokeClient(ctx, message.client_id, 'operator'))) {
      throw new HttpProblem(PROBLEMS.notFound)
    }
    sendNoContent(ex.res)
  }
}
