/**
 * Spec §13.2: the PIN, w, Ke, Ka, KcA, KcB and the pairing key never cross the network. The
 * harness recomputes them from its side of a pairing (support.ts) and searches every answer of
 * the device that follows, in any text form: pair/start and pair/finish (body and header fields),
 * a ticket, a signed rpc echo, the message 2 payload and an echo over the session. The
 * test-control answer, which carries the PIN by design (§12.2), is not searched.
 */
import { METHODS, PATHS, PROTOCOL_VERSION } from '../../../protocol/registry.ts'
import { startClientPairing } from '../../../protocol/spake2/index.ts'
import type { HttpResponse } from '../../drivers/http.ts'
import {
  advertisedDeviceKey,
  clientConfirmation,
  newClientKeys,
  openPinWindow,
  pairFinish,
  pairStart,
  pairStartBody,
  readFinishResponse,
  readStartResponse,
  type StartedPairing,
} from '../../drivers/pairing.ts'
import { openSession } from '../../drivers/session.ts'
import { signedRequest } from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { echoBody } from '../signed-http/support.ts'
import { leakedSecrets, pairingSecrets } from './support.ts'

/** The text of an HTTP answer a device could hide a value in: header fields and body. */
function answerText(res: HttpResponse): string {
  return JSON.stringify(res.headers) + res.bodyText
}

/** pair/start with the right PIN, keeping the answer for the search. */
async function start(ctx: CaseContext, pin: string): Promise<[StartedPairing, HttpResponse]> {
  const keys = newClientKeys()
  const deviceKey = advertisedDeviceKey(ctx)
  const { pA, state } = startClientPairing({ pin, clientKey: keys.publicKey, deviceKey })
  const res = await pairStart(ctx, pairStartBody(keys, pA), 'pair/start')
  return [{ keys, state, ...readStartResponse(ctx, res) }, res]
}

export const secretsStayLocal: CaseDefinition = {
  id: '13.2-secrets-stay-local',
  level: 'MUST',
  requirement: 'pw-sec-13.2-secrets-stay-local',
  title: 'no answer of the device carries the PIN, w, Ke, Ka, KcA, KcB or the pairing key',
  profiles: ['pairing', 'session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const pin = await openPinWindow(ctx)
    const [started, startAnswer] = await start(ctx, pin)
    const secrets = pairingSecrets(started, pin)
    const confirmation = clientConfirmation(started)
    const finishAnswer = await pairFinish(ctx, started.pairingId, confirmation.cA, 'pair/finish')
    const client = readFinishResponse(finishAnswer, started, confirmation)
    const ticket = await signedRequest(ctx, client,
      { method: 'POST', path: PATHS.tickets, body: { v: PROTOCOL_VERSION }, step: 'POST tickets' })
    const rpc = await signedRequest(ctx, client,
      { method: 'POST', path: PATHS.rpc, body: echoBody(), step: 'POST rpc' })
    const session = await openSession(ctx, client)
    const echoed = await session.call(METHODS.echo, { n: 1 })
    const answers: Record<string, string> = {
      'pair/start': answerText(startAnswer),
      'pair/finish': answerText(finishAnswer),
      'POST tickets': answerText(ticket),
      'POST rpc': answerText(rpc),
      'message 2 payload': JSON.stringify(session.devicePayload),
      'echo over the session': JSON.stringify(echoed),
    }
    const leaks = Object.entries(answers)
      .map(([answer, text]) => [answer, leakedSecrets(secrets, text)] as const)
      .filter(([, names]) => names.length > 0)
    if (leaks.length === 0) return PASS
    return fail('the device sent a secret of the pairing over the network (§13.2)',
      `none of ${secrets.map((s) => s.name).join(', ')}`, Object.fromEntries(leaks))
  },
}
