/**
 * Spec §13.8: every cause of one cryptographic failure gets the same answer, with the same or no
 * `detail`, so that the answer is no oracle. For each of the four failures the harness provokes
 * several causes and compares the answers exactly (status, media type and whole problem body, or
 * close code and reason):
 * - confirmation-failed: a wrong PIN, a cA with a flipped bit, the cA of an earlier pairing, each
 *   in a fresh window so that attempts_remaining is the same;
 * - signature-invalid: another key, an altered signature, another method or target URI signed,
 *   hmac-sha256 under another secret;
 * - handshake-failed: another psk, another client_id in the prologue, a flipped tag bit, random
 *   bytes;
 * - frame-auth-failed: a flipped bit, a replay, a reorder, a cut tag.
 */
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { PATHS, SIZES } from '../../../protocol/registry.ts'
import { allOf, jsonEqual } from '../../drivers/checks.ts'
import { mediaType, type HttpResponse } from '../../drivers/http.ts'
import {
  clientConfirmation,
  newClientKeys,
  openPinWindow,
  pairClient,
  pairFinish,
  startPairing,
  wrongConfirmation,
  type PairedClient,
  type StartedPairing,
} from '../../drivers/pairing.ts'
import type { SocketObserver } from '../../drivers/session-socket.ts'
import { buildMessage1, openSession, type NoiseSession } from '../../drivers/session.ts'
import {
  signedRequest,
  targetUri,
  type SignedHttpRequest,
  type SignOptions,
} from '../../drivers/signed.ts'
import type { CaseContext, CaseDefinition } from '../../model.ts'
import { fail, must, PASS, type FailVerdict } from '../../verdicts.ts'
import { wrongPin } from '../pairing/support.ts'
import { echoRequest, flipBit, freshSocket } from '../sessions/support.ts'
import { rpcEcho } from '../signed-http/support.ts'
import { alterSignature } from './support.ts'

type Cause = readonly [cause: string, answer: () => Promise<unknown>]

/** Runs every cause; fails, showing all answers, unless they are all the same. */
async function uniform(failure: string, causes: readonly Cause[]): Promise<FailVerdict | null> {
  const answers: Record<string, unknown> = {}
  for (const [cause, answer] of causes) answers[cause] = await answer()
  const [first, ...others] = Object.values(answers)
  if (others.every((answer) => jsonEqual(answer, first))) return null
  const message = `${failure}: the answer depends on the cause (§13.8)`
  return fail(message, 'one answer for every cause', answers)
}

function httpAnswer(res: HttpResponse): unknown {
  const contentType = mediaType(res.headers['content-type'])
  return { status: res.status, 'content-type': contentType, body: res.json ?? res.bodyText }
}

async function closeAnswer(
  ctx: CaseContext,
  socket: SocketObserver,
  step: string,
): Promise<unknown> {
  const closed = await socket.waitClose(ctx.timeoutMs)
  const answer = closed === undefined ? 'still open' : { code: closed.code, reason: closed.reason }
  ctx.record({ step, actual: answer })
  return answer
}

/** pair/finish in a fresh window with the cA that `confirm` picks. */
function confirmationCause(
  ctx: CaseContext,
  cause: string,
  confirm: (pin: string) => Promise<[StartedPairing, Uint8Array]>,
): Cause {
  return [cause, async () => {
    const [started, cA] = await confirm(await openPinWindow(ctx))
    return httpAnswer(await pairFinish(ctx, started.pairingId, cA, `pair/finish: ${cause}`))
  }]
}

function confirmationCauses(ctx: CaseContext): Cause[] {
  // The genuine cA of the second cause's pairing, sent in the third cause's pairing.
  let previous = defaultBackend.randomBytes(SIZES.confirmationMac)
  return [
    confirmationCause(ctx, 'wrong PIN', async (pin) => {
      const started = await startPairing(ctx, { pin: wrongPin(pin) })
      return [started, clientConfirmation(started).cA]
    }),
    confirmationCause(ctx, 'cA with a flipped bit', async (pin) => {
      const started = await startPairing(ctx, { pin })
      previous = clientConfirmation(started).cA
      return [started, wrongConfirmation(started)]
    }),
    confirmationCause(ctx, 'cA of an earlier pairing', async (pin) =>
      [await startPairing(ctx, { pin }), previous]),
  ]
}

function signatureCauses(ctx: CaseContext, client: PairedClient): Cause[] {
  const otherSeed = defaultBackend.randomBytes(SIZES.ed25519PublicKey)
  const asPost = (request: SignedHttpRequest) => ({ ...request, method: 'POST' })
  const cause = (step: string, options: Partial<SignOptions>): Cause =>
    [step, async () => httpAnswer(await signedRequest(ctx, client, rpcEcho({ ...options, step })))]
  return [
    cause('ed25519 with another key', { key: otherSeed }),
    cause('signature altered', { mutate: alterSignature }),
    cause('signed as PUT, sent as POST', { method: 'PUT', mutate: asPost }),
    cause('another @target-uri signed', { targetUri: targetUri(ctx, PATHS.tickets) }),
    cause('hmac-sha256 with another secret', { alg: 'hmac-sha256', key: otherSeed }),
  ]
}

function handshakeCauses(ctx: CaseContext, client: PairedClient): Cause[] {
  const valid = buildMessage1(client).message
  const otherPsk = buildMessage1(client, { psk: defaultBackend.randomBytes(SIZES.pairingKey) })
  const otherClient = buildMessage1(client, { clientId: newClientKeys().clientId })
  const cause = (step: string, message: Uint8Array): Cause => [step, async () => {
    const socket = await freshSocket(ctx, client)
    await socket.send(message)
    return closeAnswer(ctx, socket, `message 1: ${step}`)
  }]
  return [
    cause('another psk', otherPsk.message),
    cause('another client_id in the prologue', otherClient.message),
    cause('a flipped tag bit', flipBit(valid, valid.length * 8 - 1)),
    cause('64 random bytes', defaultBackend.randomBytes(64)),
  ]
}

function frameCauses(ctx: CaseContext, client: PairedClient): Cause[] {
  const cause = (step: string, frames: (session: NoiseSession) => Promise<Uint8Array[]>): Cause =>
    [step, async () => {
      const session = await openSession(ctx, client)
      for (const frame of await frames(session)) await session.socket.send(frame)
      return closeAnswer(ctx, session.socket, `transport: ${step}`)
    }]
  const sealed = (session: NoiseSession) => session.seal(echoRequest(session))
  return [
    cause('a flipped bit', async (s) => [flipBit(sealed(s), 0)]),
    cause('a replay', async (s) => {
      const frame = sealed(s)
      await s.socket.send(frame)
      await s.response('the frame, first time')
      return [frame]
    }),
    cause('a reorder', async (s) => [sealed(s), sealed(s)].reverse()),
    cause('a cut tag', async (s) => {
      const frame = sealed(s)
      return [frame.subarray(0, frame.length - 1)]
    }),
  ]
}

export const uniformCryptoErrors: CaseDefinition = {
  id: '13.8-uniform-crypto-errors',
  level: 'MUST',
  requirement: 'pw-sec-13.8-uniform-crypto-errors',
  directOnly: 'plain-rpc',
  title: 'every cause of one cryptographic failure gets the same answer',
  profiles: ['pairing', 'session', 'signed-http'],
  needsPin: true,
  async run(ctx) {
    const confirmation = await uniform('confirmation-failed', confirmationCauses(ctx))
    const client = await pairClient(ctx)
    must(await allOf([
      ['confirmation-failed', async () => confirmation],
      ['signature-invalid', () => uniform('signature-invalid', signatureCauses(ctx, client))],
      ['handshake-failed', () => uniform('handshake-failed', handshakeCauses(ctx, client))],
      ['frame-auth-failed', () => uniform('frame-auth-failed', frameCauses(ctx, client))],
    ]))
    return PASS
  },
}
