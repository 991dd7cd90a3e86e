/** Spec/profiles/zaparoo-v1.md §2.2: POST /api/pair/start, its answer and its 400s. */
import { encodePakeMessage, clientMessage, U } from '../../../../protocol/profiles/zaparoo-v1/index.ts'
import { firstFailure, must, PASS } from '../../../verdicts.ts'
import type { ProfileCase } from '../context.ts'
import { expectError, PAIR_START, post } from '../http.ts'
import { acceptedStart, finishPairing, startPairing } from '../pairing.ts'

const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64')
const msgA = (): string => b64(encodePakeMessage(clientMessage(U)))

export const startAnswer: ProfileCase = {
  id: '2.2-start-answer',
  level: 'MUST',
  requirement: 'zp-pair-2.2-start-answer',
  title: 'a valid pair/start gets 200 with a UUID v4 session and base64 msgB',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    acceptedStart(await startPairing(ctx, pin))
    return PASS
  },
}

export const badRequest: ProfileCase = {
  id: '2.2-bad-request',
  level: 'MUST',
  requirement: 'zp-pair-2.2-bad-request',
  title: 'bad JSON, bad base64, an empty or a 129-byte name get their 400s',
  async run(ctx) {
    const json = await post(ctx, PAIR_START, '{"pake":', 'body not JSON')
    const base64 = await post(ctx, PAIR_START, { pake: '!!!!', name: 'n' }, 'pake not base64')
    const empty = await post(ctx, PAIR_START, { pake: msgA(), name: '' }, 'empty name')
    const long = await post(ctx, PAIR_START, { pake: msgA(), name: 'é'.repeat(64) + 'x' }, '129-byte name')
    return firstFailure(
      expectError(json, 400, 'invalid request body'),
      expectError(base64, 400, 'invalid pake message'),
      expectError(empty, 400, 'client name required'),
      expectError(long, 400, 'client name too long'),
    )
  },
}

export const msgTooLong: ProfileCase = {
  id: '2.2-msg-too-long',
  level: 'MUST',
  requirement: 'zp-pair-2.2-msg-too-long',
  title: 'a decoded msgA of 2049 bytes gets 400 PAKE message too long',
  async run(ctx) {
    const base = new TextDecoder().decode(encodePakeMessage(clientMessage(U)))
    const padded = base.slice(0, -1) + ',"pad":"' + 'x'.repeat(2049 - base.length - 9) + '"}'
    const reply = await post(ctx, PAIR_START, { pake: b64(padded), name: 'n' }, 'msgA of 2049 bytes')
    return firstFailure(expectError(reply, 400, 'PAKE message too long'))
  },
}

export const noPin: ProfileCase = {
  id: '2.2-no-pin',
  level: 'MUST',
  requirement: 'zp-pair-2.2-no-pin',
  title: 'pair/start after the PIN was used gets 400 no pairing in progress',
  needsPin: true,
  async run(ctx) {
    const { pin } = await ctx.openPin()
    await finishPairing(ctx, await startPairing(ctx, pin))
    const after = await startPairing(ctx, pin, { step: 'pair/start, no PIN live' })
    return firstFailure(expectError(after.reply, 400, 'no pairing in progress'))
  },
}

export const invalidPake: ProfileCase = {
  id: '2.2-invalid-pake',
  level: 'MUST',
  requirement: 'zp-pair-2.2-invalid-pake',
  title: 'a msgA without xy, or with a negative coordinate, gets 400 invalid PAKE message',
  needsPin: true,
  async run(ctx) {
    await ctx.openPin()
    const good = JSON.parse(new TextDecoder().decode(encodePakeMessage(clientMessage(U)))) as Record<string, unknown>
    const { xy: _dropped, ...missing } = good
    const negative = { ...good, xx: '-5' }
    const a = await post(ctx, PAIR_START, { pake: b64(JSON.stringify(missing)), name: 'n' }, 'msgA without xy')
    must(expectError(a, 400, 'invalid PAKE message'))
    const b = await post(ctx, PAIR_START, { pake: b64(JSON.stringify(negative)), name: 'n' }, 'msgA with xx -5')
    must(expectError(b, 400, 'invalid PAKE message'))
    return PASS
  },
}

export const cases = [startAnswer, badRequest, msgTooLong, noPin, invalidPake]
