/**
 * The case model of client mode (spec §14.2): the harness plays the device (device.ts) and
 * drives the client under test through its adapter (adapter.ts, spec §12.3). A case has an id
 * `<section>-<slug>`, a level, the anchor of the client requirement it checks, and a run
 * function that starts devices, runs adapter operations and judges what the client did: its
 * exit code, stdout and stderr objects, what it sent on the wire, and its credentials file.
 */
import type { Exchange, Level, ReplayPoint, Verdict } from '../model.ts'
import type { AdapterRun } from './adapter.ts'
import type { DeviceScript, HarnessDevice, LogEntry } from './device.ts'

/** A device with a client the adapter paired with it, and the adapter's credentials file. */
export interface Paired {
  readonly device: HarnessDevice
  readonly credentials: string
}

/** The credentials file after an operation (spec §12.3). */
export interface CredentialsState {
  readonly exists: boolean
  /** Permission bits, e.g. 0o600. */
  readonly mode?: number
}

/** One adapter operation: the run, the credentials file afterwards, what the device saw. */
export interface Outcome {
  readonly run: AdapterRun
  readonly credentials: CredentialsState
  /** The device log entries of this operation only. */
  readonly log: readonly LogEntry[]
}

export interface ClientCaseContext {
  readonly seed: number
  readonly runs: number
  readonly replay?: ReplayPoint
  readonly timeoutMs: number
  record(exchange: Exchange): void
  setReplay(point: ReplayPoint): void
  defer(cleanup: () => void | Promise<void>): void
  progress?(line: string): void
  /** A fresh device with `script`, closed after the case. */
  device(script?: DeviceScript): Promise<HarnessDevice>
  /**
   * A device with a client already paired by the adapter, shared by the cases of one worker
   * and reset to `script` (cheaper than a pairing per case). Fails the case when the adapter
   * cannot pair with a correct device.
   */
  paired(script?: DeviceScript): Promise<Paired>
  /** A paired device of this case alone (for cases that unpair or change the pairing). */
  pairedFresh(script?: DeviceScript): Promise<Paired>
  /** A new path for a credentials file in this case's own directory (nothing there yet). */
  credentialsPath(): string
  /** `pair --url URL --pin PIN --credentials FILE` (the device's own PIN unless `pin`). */
  pair(device: HarnessDevice, credentials: string, pin?: string): Promise<Outcome>
  /** `call --credentials FILE --method M --params JSON`. */
  call(paired: Paired, method?: string, params?: unknown): Promise<Outcome>
  /** `unpair --credentials FILE`. */
  unpair(paired: Paired): Promise<Outcome>
  /** The optional `signed-call` (§12.3); skips the case when the adapter lacks it. */
  signedCall(paired: Paired, method?: string, params?: unknown): Promise<Outcome>
}

export interface ClientCaseDefinition {
  readonly id: string
  readonly level: Level
  readonly requirement: string
  readonly title: string
  /**
   * A property case: dozens of adapter runs. The runner starts these first, so that none is
   * left running alone at the end while the other workers idle (it does not change the report
   * order).
   */
  readonly runsMany?: boolean
  run(ctx: ClientCaseContext): Promise<Verdict>
}

/** The method and params of a default call: pairwire.echo, answered with params (§7.6). */
export const ECHO = 'pairwire.echo'
export const ECHO_PARAMS = { conformance: 'client mode', n: 1 }
