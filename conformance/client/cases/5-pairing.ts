/** Client mode, spec §5.5 and §5.9: what a client verifies and refuses while pairing. */
import { readdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../../../protocol/encoding.ts'
import { PATHS, PROBLEMS, type ProblemEntry } from '../../../protocol/registry.ts'
import { encodeShare, N, passwordScalar } from '../../../protocol/spake2/index.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { failedVerification, noCredentials, nothingSentTo, reportedProblem, succeeded } from '../checks.ts'
import { requestsTo } from '../device.ts'
import type { Rewrite } from '../device.ts'
import { beforePairFinish, clientCase, pairingCase } from './common.ts'

const flip = (b64: unknown): string => {
  const bytes = base64urlDecode(String(b64))
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
  return base64urlEncode(bytes)
}
const randomKey = (): string => base64urlEncode(defaultBackend.ed25519PublicKey(defaultBackend.randomBytes(32)))
// 0x04 || x = 1 || y = 1: the right length and prefix, not a point of P-256.
const NOT_ON_CURVE = base64urlEncode(new Uint8Array([4, ...new Uint8Array(31), 1, ...new Uint8Array(31), 1]))
const WRONG_ID_CLIENT = 'pwc_AAAAAAAAAAAAAAAAAAAAAA'
const WRONG_ID_DEVICE = 'pwd_AAAAAAAAAAAAAAAAAAAAAA'

/** pB = w·N makes K = x·(pB − w·N) the identity (RFC 9382 §3.3). */
const identityK: Rewrite = (a, device) => ({ ...a, pB: base64urlEncode(encodeShare(N.multiply(passwordScalar(device.pin).w))) })

const verification = (id: string, requirement: string, title: string, script: Parameters<typeof pairingCase>[3], why: string, before: 'start' | 'finish' | 'none') =>
  pairingCase(id, requirement, title, script, (o) => [
    failedVerification(o, why),
    before === 'finish' ? beforePairFinish(o, why) : null,
  ])

const answerInvalid = (id: string, title: string, script: Parameters<typeof pairingCase>[3], why: string) =>
  pairingCase(id, 'pw-pair-5.9-client-answer-schema', title, script, (o) => [failedVerification(o, why)])

const refused = (id: string, endpoint: 'pairStart' | 'pairFinish', entry: ProblemEntry, extra: Record<string, unknown> = {}) =>
  pairingCase(id, 'pw-pair-5.9-client-refusal', `${endpoint === 'pairStart' ? 'pair/start' : 'pair/finish'} answered ${entry.status} ${entry.name} ends the attempt, reported`,
    { [endpoint]: { problem: entry, problemExtra: extra } },
    (o) => [reportedProblem(o, entry), endpoint === 'pairStart' ? beforePairFinish(o, `pair/start was refused`) : null])

export const pairingCases = [
  verification('5.9-client-pb-not-on-curve', 'pw-pair-5.9-client-checks-pb', 'a pB that is not a P-256 point fails the pairing before pair/finish',
    { pairStart: { rewrite: (a) => ({ ...a, pB: NOT_ON_CURVE }) } }, 'pB is not on the curve', 'finish'),
  verification('5.9-client-pb-identity-k', 'pw-pair-5.9-client-checks-pb', 'a pB that makes K the identity (pB = w·N) fails the pairing before pair/finish',
    { pairStart: { rewrite: identityK } }, 'K is the identity', 'finish'),
  answerInvalid('5.9-client-pb-compressed', 'a 33-byte compressed pB is refused',
    { pairStart: { rewrite: (a) => ({ ...a, pB: base64urlEncode(base64urlDecode(String(a['pB'])).subarray(0, 33)) }) } }, 'pB is 33 bytes'),
  verification('5.9-client-wrong-cb', 'pw-pair-5.9-client-verifies-cb', 'a cB with one bit flipped fails the pairing and stores nothing',
    { pairFinish: { rewrite: (a) => ({ ...a, cB: flip(a['cB']) }) } }, 'cB does not verify', 'none'),
  verification('5.9-client-cb-of-other-pairing', 'pw-pair-5.9-client-verifies-cb', 'a cB of 32 random bytes fails the pairing and stores nothing',
    { pairFinish: { rewrite: (a) => ({ ...a, cB: base64urlEncode(defaultBackend.randomBytes(32)) }) } }, 'cB is random', 'none'),
  answerInvalid('5.9-client-cb-short', 'a cB of 31 bytes is refused',
    { pairFinish: { rewrite: (a) => ({ ...a, cB: base64urlEncode(base64urlDecode(String(a['cB'])).subarray(0, 31)) }) } }, 'cB is 31 bytes'),
  verification('5.9-client-start-other-device-key', 'pw-pair-5.9-client-device-key', 'a pair/start answer with another device_key than discovery stops the pairing',
    { pairStart: { rewrite: (a) => ({ ...a, device_key: randomKey() }) } }, 'device_key differs from discovery', 'finish'),
  verification('5.9-client-wrong-client-id', 'pw-pair-5.9-client-ids', 'a pair/finish answer naming another client_id fails the pairing',
    { pairFinish: { rewrite: (a) => ({ ...a, client_id: WRONG_ID_CLIENT }) } }, 'client_id is not the fingerprint of the client key', 'none'),
  verification('5.9-client-wrong-device-id', 'pw-pair-5.9-client-ids', 'a pair/finish answer naming another device_id fails the pairing',
    { pairFinish: { rewrite: (a) => ({ ...a, device_id: WRONG_ID_DEVICE }) } }, 'device_id is not the fingerprint of device_key', 'none'),
  answerInvalid('5.9-client-start-unknown-member', 'a pair/start answer with an unknown member is refused',
    { pairStart: { rewrite: (a) => ({ ...a, extra: 1 }) } }, 'pair/start answer has an unknown member'),
  answerInvalid('5.9-client-start-not-json', 'a pair/start answer that is not JSON is refused',
    { pairStart: { raw: 'ok' } }, 'pair/start answer is not JSON'),
  answerInvalid('5.9-client-finish-not-json', 'a pair/finish answer that is not JSON is refused',
    { pairFinish: { raw: '{"v": 1, "cB": ' } }, 'pair/finish answer is not JSON'),
  answerInvalid('5.9-client-finish-missing-cb', 'a pair/finish answer without cB is refused',
    { pairFinish: { rewrite: ({ cB: _cB, ...rest }) => rest } }, 'pair/finish answer has no cB'),
  answerInvalid('5.9-client-finish-version-2', 'a pair/finish answer with v 2 is refused',
    { pairFinish: { rewrite: (a) => ({ ...a, v: 2 }) } }, 'pair/finish answer has v 2'),
  refused('5.9-client-window-closed', 'pairStart', PROBLEMS.pairingWindowClosed),
  refused('5.9-client-invalid-share', 'pairStart', PROBLEMS.invalidShare),
  refused('5.9-client-overloaded', 'pairStart', PROBLEMS.overloaded),
  refused('5.9-client-confirmation-failed', 'pairFinish', PROBLEMS.confirmationFailed, { attempts_remaining: 2 }),
  refused('5.9-client-unknown-pairing', 'pairFinish', PROBLEMS.unknownPairing),
  refused('5.9-client-store-unavailable', 'pairFinish', PROBLEMS.storeUnavailable),
  clientCase('5.9-client-nothing-stored', 'pw-pair-5.9-client-nothing-stored',
    'after a failed cB check nothing of the pairing is left in the credentials directory', async (ctx) => {
      const device = await ctx.device({ pairFinish: { rewrite: (a) => ({ ...a, cB: flip(a['cB']) }) } })
      const path = ctx.credentialsPath()
      const o = await ctx.pair(device, path)
      const left = await readdir(dirname(path))
      return firstFailure(failedVerification(o, 'cB does not verify'), noCredentials(o),
        left.length === 0 ? null : fail('the client left files of a failed pairing', 'an empty directory', left))
    }),
  clientCase('5.9-client-requests', 'pw-pair-5.9-client-requests',
    'a pairing sends pair/start and pair/finish once each, to the device it was given', async (ctx) => {
      const device = await ctx.device()
      const o = await ctx.pair(device, ctx.credentialsPath())
      const starts = requestsTo(o.log, PATHS.pairStart, 'POST')
      const finishes = requestsTo(o.log, PATHS.pairFinish, 'POST')
      const counts = { starts: starts.length, finishes: finishes.length, finishStatus: finishes[0]?.status }
      return firstFailure(succeeded(o, 'a correct device pairs'),
        counts.starts === 1 && counts.finishes === 1 && counts.finishStatus === 200 ? null
          : fail('pair/start and pair/finish were not sent once each with the pending pairing_id', { starts: 1, finishes: 1, finishStatus: 200 }, counts))
    }),
  clientCase('5.5-client-fresh-share', 'pw-pair-5.5-fresh-scalars',
    'two pairings send two different pA (a fresh scalar x each time)', async (ctx) => {
      const device = await ctx.device()
      const first = await ctx.pair(device, ctx.credentialsPath())
      const second = await ctx.pair(device, ctx.credentialsPath())
      const pA = [first, second].map((o) => (JSON.parse(requestsTo(o.log, PATHS.pairStart)[0]?.body ?? '{}') as { pA?: string }).pA)
      return firstFailure(succeeded(first), succeeded(second),
        pA[0] !== undefined && pA[0] !== pA[1] ? null : fail('the client sent the same pA twice', 'two different shares', pA))
    }),
  clientCase('5.9-client-stops-after-refusal', 'pw-pair-5.9-client-refusal',
    'a refused pair/start is not followed by pair/finish or a ticket request', async (ctx) => {
      const device = await ctx.device({ pairStart: { problem: PROBLEMS.pairingWindowClosed } })
      const o = await ctx.pair(device, ctx.credentialsPath())
      return firstFailure(reportedProblem(o, PROBLEMS.pairingWindowClosed), nothingSentTo(o, PATHS.pairFinish, 'pair/start refused'),
        nothingSentTo(o, PATHS.tickets, 'pair/start refused'), noCredentials(o))
    }),
]
