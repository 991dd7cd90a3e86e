/**
 * The external cacophony vector file of Noise_NNpsk0_25519_AESGCM_SHA256
 * (vectors/external/), shared by the sync and the async Noise tests (protocol/noise/).
 */
import { readFileSync } from 'node:fs'

export interface NoiseVector {
  protocol_name: string
  init_prologue: string
  init_psks: string[]
  init_ephemeral: string
  resp_prologue: string
  resp_psks: string[]
  resp_ephemeral: string
  handshake_hash: string
  messages: { payload: string; ciphertext: string }[]
}

export const cacophonyVectors = (
  JSON.parse(
    readFileSync(new URL('../vectors/external/noise-nnpsk0-25519-aesgcm-sha256.json', import.meta.url), 'utf8'),
  ) as { vectors: NoiseVector[] }
).vectors
