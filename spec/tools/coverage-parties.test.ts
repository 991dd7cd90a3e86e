import t from 'tap'
import { coverage, partyOf, uncheckedMusts } from './coverage.ts'

t.test('a citing file checks the party whose implementation it judges', async (t) => {
  t.equal(partyOf('conformance/client/cases/5-pairing.ts'), 'client')
  t.equal(partyOf('reference-client/pair.test.ts'), 'client')
  t.equal(partyOf('conformance/cases/pairing/5.4-ttl-at-finish.ts'), 'device')
  t.equal(partyOf('reference-server/device.test.ts'), 'device')
  t.equal(partyOf('protocol/noise/handshake.test.ts'), 'both')
})

t.test('spec coverage counts device and client requirements apart, and every MUST of each is checked', async (t) => {
  const report = coverage()
  const client = report.requirements.filter((r) => r.byParty.client !== undefined && r.level === 'MUST')
  const device = report.requirements.filter((r) => r.byParty.device !== undefined && r.level === 'MUST')
  t.ok(client.length >= 50, `client MUSTs: ${client.length}`)
  t.ok(device.length >= 100, `device MUSTs: ${device.length}`)
  t.same(uncheckedMusts(report).map((r) => `${r.party}: ${r.id}`), [], 'no unchecked MUST of either party')
  // A client requirement checked only by server-mode cases would not count for the client.
  const verifiesCb = report.requirements.find((r) => r.id === 'pw-pair-5.9-client-verifies-cb')!
  t.equal(verifiesCb.role, 'client')
  t.equal(verifiesCb.byParty.client, 'wire', 'checked on the wire by client mode')
})
