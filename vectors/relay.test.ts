/**
 * vectors/relay.json against the protocol core on every backend: each valid claim's message is
 * the claim_message bytes and verifies, each invalid claim is refused (spec §15.3), each frame
 * decodes as stated or not at all (spec §15.4). The Python consumer reads the same file.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { availableBackends } from '../protocol/crypto/index.ts'
import { hexDecode, hexEncode } from '../protocol/encoding.ts'
import { claimMessage, decodeRelayFrame, verifyClaim } from '../protocol/relay.ts'
import type { RelayVectorFile } from '../schemas/src/vectors.ts'

const file = JSON.parse(readFileSync(new URL('relay.json', import.meta.url), 'utf8')) as RelayVectorFile

t.test('claims: valid ones verify over claim_message, invalid ones are refused', async (t) => {
  for (const backend of await availableBackends()) {
    for (const group of file.testGroups) {
      if (group.type !== 'RelayClaimTest') continue
      for (const test of group.tests) {
        const challenge = hexDecode(test.challenge)
        const verdict = verifyClaim(hexDecode(test.device_key), hexDecode(test.signature), test.host, challenge, test.device_id, backend)
        if (test.result === 'valid') {
          t.equal(hexEncode(claimMessage(test.host, challenge, test.device_id)), test.claim_message, `${backend.name} tc ${test.tcId} message`)
          t.equal(verdict, 'ok', `${backend.name} tc ${test.tcId} ${test.comment}`)
          t.same(backend.ed25519Sign(hexDecode(group.device_seed), hexDecode(test.claim_message)), hexDecode(test.signature), 'deterministic signature')
        } else {
          t.not(verdict, 'ok', `${backend.name} tc ${test.tcId} ${test.comment}`)
        }
      }
    }
  }
})

t.test('frames: pw-relay-15.4-link-frames layouts decode or are rejected', async (t) => {
  for (const group of file.testGroups) {
    if (group.type !== 'RelayFrameTest') continue
    for (const test of group.tests) {
      const frame = decodeRelayFrame(hexDecode(test.frame))
      if (test.result === 'valid') {
        t.same(frame && { type: frame.type, stream: frame.stream, body: hexEncode(frame.body) }, { type: test.type, stream: test.stream, body: test.body }, test.comment)
      } else {
        t.equal(frame, null, test.comment)
      }
    }
  }
})
