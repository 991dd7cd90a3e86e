import t from 'tap'
import { StoreState } from './state.ts'

t.test('sweep drops exactly the expired claims and tickets', async (t) => {
  let now = 1_000
  const state = new StoreState(() => now)
  state.claim('old', 10)
  state.claim('new', 100)
  state.putTicket('old-ticket', 'pwc_a', 10)
  state.putTicket('new-ticket', 'pwc_a', 100)
  now = 1_010
  t.equal(state.sweep(), 2, 'an entry is expired at its expiry instant')
  t.same(state.snapshot(), {
    clients: [],
    claims: [{ key: 'new', expires_at_ms: 1_100 }],
    tickets: [{ hash: 'new-ticket', client_id: 'pwc_a', expires_at_ms: 1_100 }],
  })
})

t.test('a snapshot loaded later leaves out what expired meanwhile', async (t) => {
  const snapshot = {
    clients: [],
    claims: [{ key: '__proto__', expires_at_ms: 2_000 }, { key: 'gone', expires_at_ms: 1_500 }],
    tickets: [{ hash: 'gone', client_id: 'pwc_a', expires_at_ms: 1_500 }],
  }
  const state = StoreState.fromSnapshot(snapshot, () => 1_500)
  t.same(state.snapshot(), { ...snapshot, claims: [snapshot.claims[0]], tickets: [] })
  t.equal(state.claim('__proto__', 1), false, 'any key is an ordinary key')
})
