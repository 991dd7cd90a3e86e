/**
 * A model of one session's transport (spec §7.5, §7.8 Table 7-1) for property-based testing:
 * sequences of valid echo requests and of frames the device must reject — a replay of an earlier
 * frame, a flipped bit, a truncation, a reorder, a drop, an oversize frame — and a normal close.
 * The model predicts, for each step, an echo answer or the exact close code, and after any close
 * nothing more: a rejected frame and every later one deliver nothing (§7.5).
 */
import fc from 'fast-check'
import { defaultBackend } from '../../protocol/crypto/index.ts'
import { CLOSES, METHODS, SIZES, type CloseEntry } from '../../protocol/registry.ts'
import { expectRejected } from '../drivers/session-close.ts'
import type { NoiseSession } from '../drivers/session.ts'
import type { CaseContext } from '../model.ts'
import { CaseFailure, failCase } from '../verdicts.ts'
import type { ModelCommand } from './run-property.ts'

export interface SessionModel {
  open: boolean
  /** Valid frames sent so far, which a replay can pick from. */
  sent: number
}

export interface SessionReal {
  readonly ctx: CaseContext
  readonly session: NoiseSession
  readonly maxFrame: number
  readonly frames: Uint8Array[]
}

export type SessionOutcome =
  | { readonly kind: 'echo' }
  | { readonly kind: 'close'; readonly entry: CloseEntry }

export function describeSessionOutcome(outcome: SessionOutcome): string {
  return outcome.kind === 'echo' ? 'echo answered' : `close ${outcome.entry.code} ${outcome.entry.name}`
}

type SessionCommand = ModelCommand<SessionModel, SessionReal, SessionOutcome>

function echoFrame(real: SessionReal, params: unknown = []): Uint8Array {
  return real.session.seal({ jsonrpc: '2.0', id: real.session.nextId(), method: METHODS.echo, params })
}

/** A command that sends frames the device must reject with `entry`'s close code. */
abstract class Rejected implements SessionCommand {
  check(model: Readonly<SessionModel>): boolean {
    return model.open
  }

  predict(model: SessionModel): SessionOutcome {
    model.open = false
    return { kind: 'close', entry: this.entry() }
  }

  async run(model: SessionModel, real: SessionReal): Promise<void> {
    const { entry } = this.predict(model) as { entry: CloseEntry }
    for (const frame of this.frames(real)) await real.session.socket.send(frame)
    const failure = await expectRejected(real.ctx, real.session, entry, this.toString())
    if (failure !== null) throw new CaseFailure(failure)
  }

  protected entry(): CloseEntry {
    return CLOSES.frameAuthFailed
  }

  abstract frames(real: SessionReal): Uint8Array[]
  abstract toString(): string
}

class SendEcho implements SessionCommand {
  constructor(readonly params: number[]) {}

  check(model: Readonly<SessionModel>): boolean {
    return model.open
  }

  predict(model: SessionModel): SessionOutcome {
    model.sent++
    return { kind: 'echo' }
  }

  async run(model: SessionModel, real: SessionReal): Promise<void> {
    this.predict(model)
    const id = real.session.nextId()
    const frame = real.session.seal({ jsonrpc: '2.0', id, method: METHODS.echo, params: this.params })
    real.frames.push(frame)
    await real.session.socket.send(frame)
    const response = await real.session.response(this.toString())
    if (response['id'] !== id || JSON.stringify(response['result']) !== JSON.stringify(this.params)) {
      failCase('echo answered wrongly', { id, result: this.params }, response)
    }
  }

  toString(): string {
    return `send echo ${JSON.stringify(this.params)}`
  }
}

class ReplayFrame extends Rejected {
  constructor(readonly k: number) {
    super()
  }

  override check(model: Readonly<SessionModel>): boolean {
    return model.open && model.sent > 0
  }

  frames(real: SessionReal): Uint8Array[] {
    return [real.frames[this.k % real.frames.length]!]
  }

  toString(): string {
    return `replay sent frame #${this.k} (mod count)`
  }
}

class FlipBit extends Rejected {
  constructor(readonly bit: number) {
    super()
  }

  frames(real: SessionReal): Uint8Array[] {
    const frame = echoFrame(real)
    const at = this.bit % (frame.length * 8)
    frame[at >> 3] = frame[at >> 3]! ^ (1 << (at & 7))
    return [frame]
  }

  toString(): string {
    return `flip bit ${this.bit} (mod length) of a new frame`
  }
}

/** Keeps the first `keep` bytes of a new frame (always shorter than a whole echo frame). */
class Truncate extends Rejected {
  constructor(readonly keep: number) {
    super()
  }

  protected override entry(): CloseEntry {
    return this.keep < SIZES.aeadTag ? CLOSES.malformedFrame : CLOSES.frameAuthFailed
  }

  frames(real: SessionReal): Uint8Array[] {
    return [echoFrame(real).subarray(0, this.keep)]
  }

  toString(): string {
    return `send only the first ${this.keep} bytes of a new frame`
  }
}

class Reorder extends Rejected {
  frames(real: SessionReal): Uint8Array[] {
    const first = echoFrame(real)
    return [echoFrame(real), first]
  }

  toString(): string {
    return 'send two new frames in swapped order'
  }
}

class Drop extends Rejected {
  frames(real: SessionReal): Uint8Array[] {
    echoFrame(real)
    return [echoFrame(real)]
  }

  toString(): string {
    return 'drop a new frame, send the next'
  }
}

class Oversize extends Rejected {
  constructor(readonly extra: number) {
    super()
  }

  protected override entry(): CloseEntry {
    return CLOSES.frameTooLarge
  }

  frames(real: SessionReal): Uint8Array[] {
    return [defaultBackend.randomBytes(real.maxFrame + 1 + this.extra)]
  }

  toString(): string {
    return `send max_frame + ${1 + this.extra} bytes`
  }
}

/** The client closes with 1000; the device answers the Close (Table 7-1). */
class Close implements SessionCommand {
  check(model: Readonly<SessionModel>): boolean {
    return model.open
  }

  predict(model: SessionModel): SessionOutcome {
    model.open = false
    return { kind: 'close', entry: CLOSES.normal }
  }

  async run(model: SessionModel, real: SessionReal): Promise<void> {
    this.predict(model)
    real.session.socket.close(CLOSES.normal.code, CLOSES.normal.reason)
    const failure = await expectRejected(real.ctx, real.session, CLOSES.normal, this.toString())
    if (failure !== null) throw new CaseFailure(failure)
  }

  toString(): string {
    return 'close 1000'
  }
}

/** Every command, weighted towards valid traffic so that mutations hit sessions with history. */
export const sessionCommands: fc.Arbitrary<SessionCommand> = fc.oneof(
  { arbitrary: fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 3 }).map((p) => new SendEcho(p)), weight: 4 },
  fc.nat({ max: 15 }).map((k) => new ReplayFrame(k)),
  fc.nat({ max: 4095 }).map((bit) => new FlipBit(bit)),
  fc.nat({ max: 40 }).map((keep) => new Truncate(keep)),
  fc.constant(new Reorder()),
  fc.constant(new Drop()),
  fc.nat({ max: 15 }).map((extra) => new Oversize(extra)),
  fc.constant(new Close()),
)
