import t from 'tap'
import { vectorFile, wireCount, wireTests } from './load.ts'

t.test('the loader picks exactly the tests marked wire: device, in file order', async (t) => {
  for (const name of ['pairing.json', 'signing.json', 'session.json'] as const) {
    const marked = vectorFile(name).testGroups.flatMap((g) =>
      (g.tests as { tcId: number; wire?: string[] }[]).filter((x) => x.wire?.includes('device') === true))
    const loaded = wireTests(name, 'device').map((w) => w.test.tcId)
    t.ok(loaded.length > 0, `${name}: some tests are replayed on the wire`)
    t.same(loaded, marked.map((x) => x.tcId), `${name}: the marked tests`)
    t.match(wireCount(name, 'device'), new RegExp(`^${loaded.length} of ${vectorFile(name).numberOfTests} tests`))
  }
})

t.test('no test is marked for the client side yet (client mode, issue 14)', async (t) => {
  for (const name of ['pairing.json', 'signing.json', 'session.json'] as const) {
    t.equal(wireTests(name, 'client').length, 0, name)
  }
})

t.test('every group with a replayed test says in wireNotes why the others are not', async (t) => {
  for (const name of ['pairing.json', 'signing.json', 'session.json'] as const) {
    for (const group of vectorFile(name).testGroups) {
      const partial = group.tests.some((x) => (x as { wire?: string[] }).wire === undefined)
      if (partial) t.ok((group as { wireNotes?: string }).wireNotes, `${name} ${group.type}: wireNotes`)
    }
  }
})
