/**
 * Spec §5.3: a pairing window opens only on a local operator action or a test-control request,
 * never on a request to the interfaces that serve Pairwire. After a pairing succeeds, which
 * closes its window (§5.4), the harness sends a request of every kind the Pairwire interface
 * serves — discovery, pair/start and pair/finish, tickets, rpc, a session with an echo, a refused
 * upgrade, an unknown path, another method, the unpairing — and then checks that pair/start still
 * finds no window (403 pairing-window-closed). test/pin, the one exception (§12.2), is not sent.
 */
import { base64urlEncode } from '../../../protocol/encoding.ts'
import { METHODS, PATHS, PROBLEMS, PROTOCOL_VERSION, SIZES } from '../../../protocol/registry.ts'
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import { expectProblem, httpRequest, type HttpResponse } from '../../drivers/http.ts'
import {
  advertisedDeviceKey,
  newClientKeys,
  pairClient,
  pairFinish,
  pairStart,
  pairStartBody,
  type PairedClient,
} from '../../drivers/pairing.ts'
import { openSession } from '../../drivers/session.ts'
import { openSocket } from '../../drivers/session-socket.ts'
import { signedRequest, unpair } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { must, PASS, skipCase } from '../../verdicts.ts'
import { echoBody } from '../signed-http/support.ts'
import { unknownTicket } from '../tickets/support.ts'

/** A well-formed pair/start with a fresh key; any PIN, since only the window matters. */
function probeWindow(ctx: CaseContext, step: string): Promise<HttpResponse> {
  const keys = newClientKeys()
  const deviceKey = advertisedDeviceKey(ctx)
  const { pA } = startClientPairing({ pin: '480613', clientKey: keys.publicKey, deviceKey })
  return pairStart(ctx, pairStartBody(keys, pA), step)
}

/** One request of every kind the Pairwire interface serves, test/pin excepted. */
async function everyRequest(ctx: CaseContext, client: PairedClient): Promise<void> {
  await httpRequest(ctx, { method: 'GET', path: PATHS.discovery })
  await pairStart(ctx, { v: PROTOCOL_VERSION }, 'pair/start, malformed')
  const unknownPairing = base64urlEncode(new Uint8Array(16))
  const cA = new Uint8Array(SIZES.confirmationMac)
  await pairFinish(ctx, unknownPairing, cA, 'pair/finish, unknown pairing')
  const post = (path: string, body: object) =>
    ({ method: 'POST', path, body, step: `POST ${path}` })
  await signedRequest(ctx, client, post(PATHS.tickets, { v: PROTOCOL_VERSION }))
  await signedRequest(ctx, client, post(PATHS.rpc, echoBody()))
  const session = await openSession(ctx, client)
  await session.call(METHODS.echo, { n: 1 })
  session.socket.close()
  const step = 'upgrade, unknown ticket'
  const refused = await openSocket(ctx, `?ticket=${unknownTicket()}`, { step })
  if (refused.kind === 'upgraded') refused.socket.terminate()
  await httpRequest(ctx, { method: 'GET', path: '/pairwire/v1/pair', step: 'GET an unknown path' })
  await httpRequest(ctx, { method: 'PUT', path: PATHS.discovery, step: 'PUT discovery' })
  await unpair(ctx, client)
}

export const openLocally: CaseDefinition = {
  id: '5.3-open-locally',
  level: 'MUST',
  requirement: 'pw-pair-5.3-open-locally',
  title: 'no request to the Pairwire interface opens a pairing window',
  profiles: ['pairing', 'session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const client = await pairClient(ctx)
    const before = await probeWindow(ctx, 'pair/start after the pairing succeeded')
    if (before.status === 200) {
      skipCase('the window stays open after a successful pairing (see 5.4-single-success)')
    }
    await everyRequest(ctx, client)
    must(expectProblem(await probeWindow(ctx, 'pair/start after every kind of request'),
      PROBLEMS.pairingWindowClosed))
    return PASS
  },
}
