/**
 * What every part of the reference device shares: its identity, limits, store, logs, faults and
 * live sessions. The HTTP endpoints (reference-server/http/) and the WebSocket sessions
 * (reference-server/session/) both receive one ServerContext; nothing else is global.
 */
import type { CryptoBackend } from '../protocol/crypto/index.ts'
import type { CloseEntry, Limits } from '../protocol/registry.ts'
import type { FaultName } from './faults.ts'
import type { BrowserPage } from './http/browser-page.ts'
import type { Store } from './store/store.ts'

export interface DeviceIdentity {
  /** Ed25519 seed (32 bytes): the device's long-term private key. */
  readonly seed: Uint8Array
  readonly publicKey: Uint8Array
  readonly deviceId: string
  readonly name: string
}

/** One JSON line per event on stderr; fields are ids and codes, never secrets (spec §13). */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  error(event: string, fields?: Record<string, unknown>): void
}

/** Append-only JSONL audit log (spec §9.4): pairing, tickets, sessions, revocation, bad signatures. */
export interface AuditLog {
  record(event: string, fields: Record<string, unknown>): void
}

/** A JSON-RPC 2.0 method handler; shared by WebSocket sessions and POST /pairwire/v1/rpc. */
export type RpcHandler = (params: unknown, caller: RpcCaller) => unknown | Promise<unknown>

export interface RpcCaller {
  readonly clientId: string
  /** Sends a notification to this caller's session; absent for POST /pairwire/v1/rpc. */
  readonly notify?: (method: string, params: unknown) => void
}

/** Live sessions by client, so revocation and shutdown can close them (spec §9.3). */
export interface SessionRegistry {
  /** Closes every live session of clientId with the given close entry; returns how many. */
  closeClient(clientId: string, close: CloseEntry): number
  /** Closes every live session (shutdown: going-away). */
  closeAll(close: CloseEntry): Promise<void>
  /** Sends a notification to every live session of a client (device → client, spec §7.6). */
  notifyClient(clientId: string, method: string, params: unknown): number
  readonly size: number
}

export interface ServerContext {
  readonly identity: DeviceIdentity
  readonly limits: Limits
  readonly store: Store
  readonly log: Logger
  readonly audit: AuditLog
  /** Fault switches for measuring the harness (faults.ts); empty in every normal run. */
  readonly faults: ReadonlySet<FaultName>
  readonly sessions: SessionRegistry
  readonly rpcMethods: ReadonlyMap<string, RpcHandler>
  readonly backend: CryptoBackend
  /** Seconds since the epoch; the one clock of the device. */
  now(): number
  /** True when the spec §12 test-control interface is on (loopback only). */
  readonly testHooks: boolean
  /** Whether the device accepts a client's json_seq offer (spec §7.10); on unless --no-json-seq. */
  readonly jsonSeq: boolean
  /** Whether the device accepts signed upgrades (spec §7.2); on unless --no-signed-upgrade. */
  readonly signedUpgrade: boolean
  /** The browser page's files, when the device serves it (--browser-page, http/browser-page.ts). */
  readonly browserPage?: BrowserPage
}
