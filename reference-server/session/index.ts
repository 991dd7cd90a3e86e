/**
 * The session WebSocket of the reference device (spec §7): the pre-upgrade ticket gate, Noise
 * NNpsk0 sessions carrying JSON-RPC 2.0, and the registry of live sessions by client.
 */
export { attachSessions } from './attach.ts'
export { createSessionRegistry } from './registry.ts'
