/** The zaparoo-v1 profile's byte-level core: PAKE, wire messages, key schedule and frames. */
export * from './pake.ts'
export * from './wire.ts'
export * from './keys.ts'
export * from './frames.ts'
