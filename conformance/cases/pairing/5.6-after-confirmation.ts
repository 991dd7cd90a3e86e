/**
 * Spec §5.6: the device neither stores nor uses the pairing key before cA has verified. The
 * harness computes the pairing key of a pair/start with the right PIN (it holds the same K and TT
 * as the device) and signs with it, and with the client's Ed25519 key, before pair/finish and
 * again after a pair/finish with a wrong cA: the device must not know the client (401
 * unknown-key). A pairing of the same key that then succeeds shows that the probe sees a stored
 * record once there is one.
 */
import { PATHS, PROBLEMS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { allOf } from '../../drivers/checks.ts'
import { expectJsonMessage, expectProblem, type HttpResponse } from '../../drivers/http.ts'
import {
  openPinWindow,
  pairClient,
  pairFinish,
  startPairing,
  wrongConfirmation,
  type PairedClient,
  type StartedPairing,
} from '../../drivers/pairing.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS, type FailVerdict } from '../../verdicts.ts'
import { pairingKeys } from '../security/support.ts'

/** The client as it would be with the pairing key the device derives once cA verifies. */
function unconfirmedClient(ctx: CaseContext, started: StartedPairing): PairedClient {
  const { keys, state } = started
  return {
    clientId: keys.clientId,
    clientSeed: keys.seed,
    clientKey: keys.publicKey,
    pairingKey: pairingKeys(started).pairingKey,
    deviceKey: state.B,
    deviceId: ctx.target.discovery.device_id,
  }
}

/** A ticket request signed with ed25519 and one with hmac-sha256; `check` judges each answer. */
function ticketRequests(
  ctx: CaseContext,
  client: PairedClient,
  when: string,
  check: (res: HttpResponse) => FailVerdict | null,
): Promise<FailVerdict | null> {
  return allOf((['ed25519', 'hmac-sha256'] as const).map((alg) => [`${when}, ${alg}`, async () => {
    const body = { v: PROTOCOL_VERSION }
    const step = `POST tickets ${when} (${alg})`
    const request = { method: 'POST', path: PATHS.tickets, body, alg, step }
    return check(await signedRequest(ctx, client, request))
  }] as const))
}

export const afterConfirmation: CaseDefinition = {
  id: '5.6-after-confirmation',
  level: 'MUST',
  requirement: 'pw-pair-5.6-after-confirmation',
  title: 'the pairing key is neither stored nor accepted before cA verifies',
  profiles: ['pairing', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const started = await startPairing(ctx, { pin })
    const client = unconfirmedClient(ctx, started)
    const unknown = (res: HttpResponse) => expectProblem(res, PROBLEMS.unknownKey)
    must(await ticketRequests(ctx, client, 'before pair/finish', unknown))
    await pairFinish(ctx, started.pairingId, wrongConfirmation(started), 'pair/finish, wrong cA')
    must(await ticketRequests(ctx, client, 'after a wrong cA', unknown))
    const paired = await pairClient(ctx, { keys: started.keys })
    const issued = (res: HttpResponse) => expectJsonMessage(res, 200, 'ticket-response')
    must(await ticketRequests(ctx, paired, 'once paired', issued))
    return PASS
  },
}
