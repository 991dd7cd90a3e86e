/**
 * Spec §13.8: a problem `detail` and a close reason never carry a value of the §13.8 list. The
 * harness sends requests that carry such values and are refused, and searches each refusal's
 * `detail` (or close reason) for them: a pair/finish with a wrong, unknown or malformed cA or
 * pairing_id; upgrades with a ticket never issued and with a used one (its hash too); signed
 * requests refused for their signature, nonce, time, key, fields or digest (the Signature and
 * Signature-Input values, the signature bytes, the nonce); and message 1 payloads refused after
 * decryption, whose plaintext carries a marker.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { base64urlEncode, hexEncode } from '../../../protocol/encoding.ts'
import { PATHS, PROTOCOL_VERSION, SIZES } from '../../../protocol/registry.ts'
import { ticketHash } from '../../../protocol/tickets.ts'
import { limitOf } from '../../drivers/advertised.ts'
import type { HttpResponse } from '../../drivers/http.ts'
import {
  newClientKeys,
  openPinWindow,
  pairClient,
  pairFinish,
  startPairing,
  wrongConfirmation,
  type PairedClient,
} from '../../drivers/pairing.ts'
import { buildMessage1, getTicket, openTicketSocket } from '../../drivers/session.ts'
import { openSocket } from '../../drivers/session-socket.ts'
import {
  nowSeconds,
  prepareSigned,
  sendSigned,
  type SignedHttpRequest,
  type SignOptions,
} from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, PASS } from '../../verdicts.ts'
import { freshSocket } from '../sessions/support.ts'
import { rpcEcho } from '../signed-http/support.ts'
import { unknownTicket } from '../tickets/support.ts'
import { alterSignature, leakedSecrets, secretBytes, secretText, type Secret } from './support.ts'

/** What one refusal said (a problem `detail` or a close reason) and what it must not hold. */
interface Refusal {
  readonly said: string
  readonly secrets: readonly Secret[]
}

type Probe = readonly [step: string, refusal: (step: string) => Promise<Refusal>]

const random = (length: number): Uint8Array => defaultBackend.randomBytes(length)

function detailOf(res: HttpResponse): string {
  const detail = (res.json as { detail?: unknown } | undefined)?.detail
  return typeof detail === 'string' ? detail : ''
}

function finishProbe(ctx: CaseContext, step: string, pairingId: string, cA: Uint8Array): Probe {
  return [step, async () => {
    const res = await pairFinish(ctx, pairingId, cA, step)
    const secrets = [secretText('pairing_id', pairingId), secretBytes('cA', cA)]
    return { said: detailOf(res), secrets }
  }]
}

async function pairingProbes(ctx: CaseContext): Promise<Probe[]> {
  const started = await startPairing(ctx, { pin: await openPinWindow(ctx) })
  const unknownId = base64urlEncode(random(16))
  return [
    finishProbe(ctx, 'pair/finish, wrong cA', started.pairingId, wrongConfirmation(started)),
    finishProbe(ctx, 'pair/finish, unknown pairing_id', unknownId, random(SIZES.confirmationMac)),
    finishProbe(ctx, 'pair/finish, cA of 31 bytes', unknownId, random(SIZES.confirmationMac - 1)),
  ]
}

async function gateRefusal(ctx: CaseContext, ticket: string, step: string): Promise<Refusal> {
  const answer = await openSocket(ctx, `?ticket=${ticket}`, { step })
  if (answer.kind === 'upgraded') answer.socket.terminate()
  const said = answer.kind === 'refused' ? detailOf(answer.response) : ''
  const secrets = [secretText('ticket', ticket), secretText('ticket hash', ticketHash(ticket))]
  return { said, secrets }
}

function gateProbes(ctx: CaseContext, client: PairedClient): Probe[] {
  return [
    ['upgrade, ticket never issued', (step) => gateRefusal(ctx, unknownTicket(), step)],
    ['upgrade, used ticket', async (step) => {
      const ticket = await getTicket(ctx, client)
      ;(await openTicketSocket(ctx, ticket)).terminate()
      return gateRefusal(ctx, ticket, step)
    }],
  ]
}

/** What §13.8 lists of a signed request: both field values, the signature bytes, the nonce. */
function signedSecrets(request: SignedHttpRequest): Secret[] {
  const signature = request.headers['signature'] ?? ''
  const secrets = [
    secretText('Signature', signature),
    secretText('Signature-Input', request.headers['signature-input'] ?? ''),
    secretText('nonce', request.nonce),
  ]
  const bytes = /^pw=:([A-Za-z0-9+/]+=*):$/.exec(signature)?.[1]
  if (bytes === undefined) return secrets
  return [...secrets, secretBytes('signature', Buffer.from(bytes, 'base64'))]
}

function signedProbes(ctx: CaseContext, client: PairedClient): Probe[] {
  const probe = (step: string, options: Partial<SignOptions>, times = 1): Probe =>
    [step, async () => {
      const request = prepareSigned(ctx, client, rpcEcho({ ...options, step }))
      let res = await sendSigned(ctx, request, step)
      for (let i = 1; i < times; i++) res = await sendSigned(ctx, request, `${step}, again`)
      return { said: detailOf(res), secrets: signedSecrets(request) }
    }]
  const token = (r: SignedHttpRequest) =>
    ({ ...r, headers: { ...r.headers, signature: `pw=x${hexEncode(random(8))}` } })
  return [
    probe('signature altered', { mutate: alterSignature }),
    probe('request replayed', {}, 2),
    probe('created 10 × skew ago', { created: nowSeconds() - 10 * limitOf(ctx.target, 'skew') }),
    probe('keyid of no client', { keyid: newClientKeys().clientId }),
    probe('Signature a token', { mutate: token }),
    probe('Content-Digest of another body', { mutate: (r) => ({ ...r, body: '{"other":1}' }) }),
  ]
}

/** A message 1 whose payload, refused after decryption (§7.4), carries a marker. */
function payloadProbe(ctx: CaseContext, client: PairedClient, step: string, v: number): Probe {
  return [step, async () => {
    const marker = base64urlEncode(random(16))
    const socket = await freshSocket(ctx, client)
    const payload = { v, max_frame: SIZES.noiseMaxMessage, marker }
    await socket.send(buildMessage1(client, { payload }).message)
    const closed = await socket.waitClose(ctx.timeoutMs)
    ctx.record({ step, sent: 'message 1, marked payload', actual: closed ?? 'still open' })
    return { said: closed?.reason ?? '', secrets: [secretText('message 1 plaintext', marker)] }
  }]
}

export const noSecretsInErrors: CaseDefinition = {
  id: '13.8-no-secrets-in-errors',
  level: 'MUST',
  requirement: 'pw-sec-13.8-no-secrets-in-errors',
  title: 'no problem detail or close reason repeats a secret value the request carried',
  profiles: ['pairing', 'session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const probes = await pairingProbes(ctx)
    const client = await pairClient(ctx)
    probes.push(
      ...gateProbes(ctx, client),
      ...signedProbes(ctx, client),
      payloadProbe(ctx, client, 'message 1 payload with an unknown member', PROTOCOL_VERSION),
      payloadProbe(ctx, client, 'message 1 payload of another version', PROTOCOL_VERSION + 1),
    )
    const leaks: Record<string, string[]> = {}
    for (const [step, refusal] of probes) {
      const { said, secrets } = await refusal(step)
      const names = leakedSecrets(secrets, said)
      if (names.length > 0) leaks[step] = names
    }
    if (Object.keys(leaks).length === 0) return PASS
    return fail('a problem detail or close reason carries a secret value (§13.8)',
      'no secret value in any detail or close reason', leaks)
  },
}
