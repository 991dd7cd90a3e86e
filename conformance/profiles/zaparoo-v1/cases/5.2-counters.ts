/**
 * Spec/profiles/zaparoo-v1.md §5.2: nonces from the counter, and one counter per direction that
 * every server frame (answer, pong) takes. 5.2-counters is property-based: fast-check draws
 * sequences of calls and pings; the model predicts each answer at the next s2c counter.
 */
import fc from 'fast-check'
import { fail, failCase, PASS } from '../../../verdicts.ts'
import type { ProfileCase } from '../context.ts'
import { pairClient } from '../pairing.ts'
import { answerId, openSession, rpc } from '../socket.ts'

export const keysNonces: ProfileCase = {
  id: '5.2-keys-nonces',
  level: 'MUST',
  requirement: 'zp-ws-5.2-keys-nonces',
  title: 'four calls in one session decrypt at s2c counters 0 - 3',
  needsPin: true,
  async run(ctx) {
    const session = await openSession(ctx, await pairClient(ctx))
    for (let id = 2; id <= 4; id++) {
      session.socket.send(session.frame(rpc(id, 'version')))
      const answer = await session.receive(ctx.timeoutMs)
      ctx.record({ step: `call ${id}`, actual: answer === undefined ? 'not decryptable' : `answer at s2c ${id - 1}` })
      if (answerId(answer) !== id) return fail(`the answer must decrypt at s2c counter ${id - 1}`, id, answer ?? 'none')
    }
    return PASS
  },
}

const MAX_RUNS = 20

export const counters: ProfileCase = {
  id: '5.2-counters',
  level: 'MUST',
  requirement: 'zp-ws-5.2-counters',
  title: 'any sequence of calls and pings: every server frame takes the next s2c counter',
  needsPin: true,
  async run(ctx) {
    const paired = await pairClient(ctx)
    const ops = fc.array(fc.constantFrom('ping', 'call'), { minLength: 1, maxLength: 6 })
    const property = fc.asyncProperty(ops, async (sequence) => {
      const session = await openSession(ctx, paired, 'property session')
      for (const [i, op] of sequence.entries()) {
        session.socket.send(session.frame(op === 'ping' ? 'ping' : rpc(100 + i, 'version')))
        const answer = await session.receive(ctx.timeoutMs)
        const ok = op === 'ping' ? answer === 'pong' : answerId(answer) === 100 + i
        if (!ok) throw new Error(`${op} ${i}: ${answer ?? 'not decryptable at the next counter'}`)
      }
      session.socket.ws.terminate()
    })
    const seed = ctx.replay?.seed ?? ctx.seed
    const details = await fc.check(property, {
      seed,
      numRuns: Math.min(ctx.runs, MAX_RUNS),
      ...(ctx.replay?.path === undefined ? {} : { path: ctx.replay.path }),
    })
    if (!details.failed) return PASS
    ctx.setReplay({ seed, ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }) })
    failCase('a server frame did not decrypt at the next s2c counter', 'pong or the answer, in order', {
      sequence: details.counterexample?.[0],
      error: String(details.errorInstance),
    })
  },
}

export const cases = [keysNonces, counters]
