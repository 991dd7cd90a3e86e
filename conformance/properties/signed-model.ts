/**
 * A model of signed-request verification (spec §8.7, §8.8) for property-based testing: the
 * client's clock moves within and past the advertised skew, requests are sent with fresh nonces,
 * nonces are reused, whole requests are replayed, and bodies are altered after signing. The model
 * knows which nonces were claimed — only by requests that passed steps 1-9 — and predicts each
 * answer: 200 with the echo result, or the exact problem.
 */
import fc from 'fast-check'
import { utf8Encode } from '../../protocol/encoding.ts'
import { contentDigest, newNonce } from '../../protocol/httpsig/index.ts'
import { METHODS, PATHS, PROBLEMS, type ProblemEntry } from '../../protocol/registry.ts'
import { expectJsonMessage, expectProblem, type HttpResponse } from '../drivers/http.ts'
import type { PairedClient } from '../drivers/pairing.ts'
import { nowSeconds, prepareSigned, sendSigned, type SignedHttpRequest } from '../drivers/signed.ts'
import type { CaseContext } from '../model.ts'
import { CaseFailure, failCase } from '../verdicts.ts'
import type { ModelCommand } from './run-property.ts'

/** Seconds kept between any clock offset the model uses and the skew boundary. */
export const CLOCK_MARGIN = 3

export interface SignedModel {
  readonly skew: number
  /** The client's clock minus the device's, in seconds. */
  offset: number
  /** Each nonce used so far and whether the device claimed it. */
  readonly nonces: { claimed: boolean }[]
  /** The predicted answer of each request sent so far, for replays. */
  readonly answers: SignedOutcome[]
}

export interface SignedReal {
  readonly ctx: CaseContext
  readonly client: PairedClient
  readonly nonces: string[]
  readonly requests: { request: SignedHttpRequest; params: number[] }[]
}

export type SignedOutcome =
  | { readonly kind: 'clock' }
  | { readonly kind: 'echo' }
  | { readonly kind: 'problem'; readonly entry: ProblemEntry }

export function describeSignedOutcome(outcome: SignedOutcome): string {
  if (outcome.kind === 'clock') return 'nothing sent'
  return outcome.kind === 'echo' ? '200 echo' : `${outcome.entry.status} ${outcome.entry.name}`
}

type SignedCommand = ModelCommand<SignedModel, SignedReal, SignedOutcome>

const ECHO: SignedOutcome = { kind: 'echo' }
const problem = (entry: ProblemEntry): SignedOutcome => ({ kind: 'problem', entry })

function timely(model: Readonly<SignedModel>): boolean {
  return Math.abs(model.offset) <= model.skew
}

/** Step 9 then step 10 of §8.7 for a request that passed steps 1-8 with nonce number `index`. */
function claim(model: SignedModel, index: number): SignedOutcome {
  if (!timely(model)) return problem(PROBLEMS.clockSkew)
  const nonce = model.nonces[index]!
  if (nonce.claimed) return problem(PROBLEMS.replayedNonce)
  nonce.claimed = true
  return ECHO
}

function checkAnswer(res: HttpResponse, outcome: SignedOutcome, params: number[], step: string): void {
  if (outcome.kind === 'problem') {
    const failure = expectProblem(res, outcome.entry)
    if (failure !== null) throw new CaseFailure({ ...failure, message: `${step}: ${failure.message}` })
    return
  }
  const failure = expectJsonMessage(res, 200, 'jsonrpc-response')
  if (failure !== null) throw new CaseFailure({ ...failure, message: `${step}: ${failure.message}` })
  const result = (res.json as { result?: unknown }).result
  if (JSON.stringify(result) !== JSON.stringify(params)) failCase(`${step}: wrong echo result`, params, res.json)
}

/** Signs and sends an echo of `params` with nonce number `index`, now on the client's clock. */
async function sendEcho(
  model: SignedModel,
  real: SignedReal,
  options: { index: number; params: number[]; alg: string; mutate?: (r: SignedHttpRequest) => SignedHttpRequest },
): Promise<HttpResponse> {
  const body = { jsonrpc: '2.0', id: real.requests.length + 1, method: METHODS.echo, params: options.params }
  const request = prepareSigned(real.ctx, real.client, {
    method: 'POST',
    path: PATHS.rpc,
    body,
    alg: options.alg,
    created: nowSeconds() + model.offset,
    nonce: real.nonces[options.index]!,
    ...(options.mutate === undefined ? {} : { mutate: options.mutate }),
  })
  real.requests.push({ request, params: options.params })
  return sendSigned(real.ctx, request)
}

class SetClock implements SignedCommand {
  constructor(readonly kind: 'now' | 'within-past' | 'within-future' | 'past' | 'future') {}

  check(): boolean {
    return true
  }

  predict(model: SignedModel): SignedOutcome {
    const within = Math.max(0, model.skew - CLOCK_MARGIN)
    const past = model.skew + CLOCK_MARGIN
    const offsets = { now: 0, 'within-past': -within, 'within-future': within, past: -past, future: past }
    model.offset = offsets[this.kind]
    return { kind: 'clock' }
  }

  async run(model: SignedModel): Promise<void> {
    this.predict(model)
  }

  toString(): string {
    return `set the client clock ${this.kind}`
  }
}

class Send implements SignedCommand {
  constructor(readonly alg: string, readonly params: number[]) {}

  check(): boolean {
    return true
  }

  predict(model: SignedModel): SignedOutcome {
    model.nonces.push({ claimed: false })
    const outcome = claim(model, model.nonces.length - 1)
    model.answers.push(outcome)
    return outcome
  }

  async run(model: SignedModel, real: SignedReal): Promise<void> {
    const outcome = this.predict(model)
    real.nonces.push(newNonce())
    const res = await sendEcho(model, real, { index: real.nonces.length - 1, params: this.params, alg: this.alg })
    checkAnswer(res, outcome, this.params, this.toString())
  }

  toString(): string {
    return `send echo ${JSON.stringify(this.params)} (${this.alg}, fresh nonce)`
  }
}

class ReuseNonce implements SignedCommand {
  constructor(readonly k: number, readonly params: number[]) {}

  check(model: Readonly<SignedModel>): boolean {
    return model.nonces.length > 0
  }

  predict(model: SignedModel): SignedOutcome {
    const outcome = claim(model, this.k % model.nonces.length)
    model.answers.push(outcome)
    return outcome
  }

  async run(model: SignedModel, real: SignedReal): Promise<void> {
    const index = this.k % model.nonces.length
    const outcome = this.predict(model)
    const res = await sendEcho(model, real, { index, params: this.params, alg: 'ed25519' })
    checkAnswer(res, outcome, this.params, this.toString())
  }

  toString(): string {
    return `send a new request reusing nonce #${this.k} (mod count)`
  }
}

/** Sends request #k again, unchanged: its nonce is claimed if it ever succeeded. */
class Replay implements SignedCommand {
  constructor(readonly k: number) {}

  check(model: Readonly<SignedModel>): boolean {
    return model.answers.length > 0
  }

  predict(model: SignedModel): SignedOutcome {
    const original = model.answers[this.k % model.answers.length]!
    const outcome = original.kind === 'echo' ? problem(PROBLEMS.replayedNonce) : original
    model.answers.push(outcome)
    return outcome
  }

  async run(model: SignedModel, real: SignedReal): Promise<void> {
    const { request, params } = real.requests[this.k % real.requests.length]!
    const outcome = this.predict(model)
    real.requests.push({ request, params })
    checkAnswer(await sendSigned(real.ctx, request), outcome, params, this.toString())
  }

  toString(): string {
    return `replay request #${this.k} (mod count) unchanged`
  }
}

/** Alters the body after signing; with `redigest` the Content-Digest is recomputed too. */
class AlterBody implements SignedCommand {
  constructor(readonly redigest: boolean) {}

  check(): boolean {
    return true
  }

  predict(model: SignedModel): SignedOutcome {
    model.nonces.push({ claimed: false })
    const outcome = problem(this.redigest ? PROBLEMS.signatureInvalid : PROBLEMS.digestMismatch)
    model.answers.push(outcome)
    return outcome
  }

  async run(model: SignedModel, real: SignedReal): Promise<void> {
    const outcome = this.predict(model)
    real.nonces.push(newNonce())
    const body = JSON.stringify({ jsonrpc: '2.0', id: 0, method: METHODS.echo, params: ['altered'] })
    const mutate = (request: SignedHttpRequest): SignedHttpRequest => {
      const digest = this.redigest ? contentDigest(utf8Encode(body)) : request.headers['content-digest']
      return { ...request, body, headers: { ...request.headers, 'content-digest': digest } }
    }
    const res = await sendEcho(model, real, { index: real.nonces.length - 1, params: [], alg: 'ed25519', mutate })
    checkAnswer(res, outcome, [], this.toString())
  }

  toString(): string {
    return this.redigest ? 'alter the body and its Content-Digest after signing' : 'alter the body after signing'
  }
}

const params = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 3 })

export const signedCommands: fc.Arbitrary<SignedCommand> = fc.oneof(
  { arbitrary: fc.constantFrom('now', 'within-past', 'within-future', 'past', 'future').map((kind) => new SetClock(kind)), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom('ed25519', 'hmac-sha256'), params).map(([alg, p]) => new Send(alg, p)), weight: 3 },
  fc.tuple(fc.nat({ max: 15 }), params).map(([k, p]) => new ReuseNonce(k, p)),
  fc.nat({ max: 15 }).map((k) => new Replay(k)),
  fc.boolean().map((redigest) => new AlterBody(redigest)),
)
