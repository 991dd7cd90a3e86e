// Checks spec requirements: pw-ticket-6.4-hash-only
import t from 'tap'
import { availableBackends } from './crypto/index.ts'
import { base64urlDecode, base64urlEncode } from './encoding.ts'
import { newTicket, ticketHash } from './tickets.ts'

t.test('a ticket is 32 random bytes; the device stores SHA-256 of them', async (t) => {
  for (const backend of await availableBackends()) {
    const { ticket, hash } = newTicket(backend)
    t.equal(base64urlDecode(ticket).length, 32)
    t.equal(ticketHash(ticket, backend), hash, backend.name)
    t.equal(hash, base64urlEncode(backend.sha256(base64urlDecode(ticket))))
    t.not(newTicket(backend).ticket, ticket)
  }
})

t.test('a malformed ticket is a typed error, never a hash of something else', async (t) => {
  t.throws(() => ticketHash('c2hvcnQ'), { code: 'invalid-length' })
  t.throws(() => ticketHash('A'.repeat(42) + '='), { code: 'invalid-encoding' })
  t.throws(() => ticketHash('A'.repeat(42) + 'B'), { code: 'invalid-encoding' })
})
