/**
 * Switches of the zaparoo-v1 emulator. A fault breaks one rule of spec/profiles/zaparoo-v1.md
 * §2 - §5, so the matching profile case must fail; a fix removes one finding of §7, so the
 * matching finding case must pass. With neither, the emulator behaves as the facts describe
 * Zaparoo Core, weaknesses included. switch-proof.ts says which case proves each; switches.test.ts
 * (npm test) and run-switches.ts (npm run conformance:faults) prove it.
 */
export const FAULTS = {
  'no-pin-message': 'zp-pair-2.2-no-pin: answers "no PIN" instead of "no pairing in progress"',
  'no-name-limit': 'zp-pair-2.2-bad-request: accepts names over 128 bytes',
  'no-msg-limit': 'zp-pair-2.2-msg-too-long: accepts msgA over 2048 bytes',
  'unlimited-attempts': 'zp-pair-2.3-attempt-budget: the third wrong confirmation gets 401',
  'pin-reuse': 'zp-pair-2.3-single-success: a success does not clear the PIN',
  'server-confirm-label': 'zp-pair-2.3-finish-answer: server confirm computed with role "client"',
  'msgb-role-0': 'zp-pake-3.1-message: msgB carries role 0',
  'any-version': 'zp-ws-5.1-unsupported-version: first frames of any v are treated as v 1',
  'remote-plaintext': 'zp-ws-5.1-plaintext-policy: remote plaintext is served',
  'nonce-no-xor': 'zp-ws-5.2-keys-nonces: s2c nonces ignore the counter',
  'pong-no-counter': 'zp-ws-5.2-counters: pong is sealed without consuming an s2c counter',
  'no-salt-dedup': 'zp-ws-5.3-silent-close: a salt already used opens a second session',
} as const

export const FIXES = {
  'no-plaintext-broadcast': 'zp-find-7.1: no notification to sockets without a session',
  'ttl-at-finish': 'zp-find-7.2: pair/finish rechecks the PIN TTL',
  'invalid-point-400': 'zp-find-7.3: off-curve X gets 400 invalid PAKE message',
  'salts-forever': 'zp-find-7.4: salts are remembered for the life of the client',
  'problem-429': 'zp-find-7.5: 429 is problem+json with Retry-After',
} as const

export type Fault = keyof typeof FAULTS
export type Fix = keyof typeof FIXES
