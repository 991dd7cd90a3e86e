/**
 * Every message schema accepts a real instance and rejects the typical faults of spec §2: an
 * unknown member, a wrong `v`, a missing required member, and binary values of the wrong length,
 * padded, in the standard alphabet or with non-zero unused bits. Message-specific rules follow.
 */
import t from 'tap'
import { base64urlEncode } from '../../protocol/encoding.ts'
import { validateMessage, type MessageName } from '../validate.ts'
import { schemaDocument } from './document.ts'
import { MESSAGE_SCHEMAS } from './messages.ts'
import { sampleBytes, SAMPLES } from './samples.ts'

const accepts = (name: MessageName, value: unknown) => validateMessage(name, value).ok
const names = Object.keys(MESSAGE_SCHEMAS) as MessageName[]
const requiredOf = (name: MessageName): string[] => {
  const required = schemaDocument(name, MESSAGE_SCHEMAS[name]).required
  return Array.isArray(required) ? (required as string[]) : []
}
const withMember = (value: object, key: string, member: unknown) => ({ ...value, [key]: member })
function without(value: object, key: string): object {
  const copy: Record<string, unknown> = { ...value }
  delete copy[key]
  return copy
}

t.test('every message has a sample, and every sample is accepted', async (t) => {
  t.equal(names.length, 19)
  t.same(Object.keys(SAMPLES).sort(), [...names].sort())
  for (const name of names) {
    const result = validateMessage(name, SAMPLES[name].valid)
    t.ok(result.ok, `${name}: ${result.ok ? 'accepted' : result.errors}`)
  }
})

t.test('an unknown member is rejected in every message', async (t) => {
  for (const name of names) {
    t.notOk(accepts(name, withMember(SAMPLES[name].valid, 'extra', 1)), name)
  }
})

t.test('every required member is required', async (t) => {
  let checked = 0
  for (const name of names) {
    for (const key of requiredOf(name)) {
      t.notOk(accepts(name, without(SAMPLES[name].valid, key)), `${name} without ${key}`)
      checked++
    }
  }
  t.equal(checked, 60, 'jsonrpc-response is a union: message-rules.test.ts checks it')
})

t.test('v: another integer is unsupported-version, anything else is malformed', async (t) => {
  let versioned = 0
  for (const name of names) {
    if (!('v' in SAMPLES[name].valid)) continue
    versioned++
    const valid = SAMPLES[name].valid
    for (const v of [0, 2, -1]) {
      const result = validateMessage(name, withMember(valid, 'v', v))
      t.equal(result.ok ? 'ok' : result.reason, 'unsupported-version', `${name} v=${v}`)
    }
    for (const v of ['1', 1.5, null, true, [1]]) {
      const result = validateMessage(name, withMember(valid, 'v', v))
      t.equal(result.ok ? 'ok' : result.reason, 'malformed', `${name} v=${JSON.stringify(v)}`)
    }
    const missing = validateMessage(name, without(valid, 'v'))
    t.equal(missing.ok ? 'ok' : missing.reason, 'malformed', `${name} without v`)
  }
  t.equal(versioned, 15, 'every message but problem and the three JSON-RPC objects has v')
})

/** The ways a canonical n-byte base64url value goes wrong on the wire. */
function corruptions(canonical: string, n: number): [string, unknown][] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(canonical.at(-1)!)
  const out: [string, unknown][] = [
    ['one byte short', base64urlEncode(sampleBytes(n - 1, 9))],
    ['one byte long', base64urlEncode(sampleBytes(n + 1, 9))],
    ['padded', canonical + '='.repeat((4 - (canonical.length % 4)) % 4 || 1)],
    ['standard alphabet', canonical.slice(0, -2) + '+/'],
    ['empty', ''],
    ['not a string', 42],
  ]
  if (n % 3 !== 0) out.push(['unused bits set', canonical.slice(0, -1) + alphabet[last | 1]])
  return out
}

t.test('binary members reject wrong length, padding, other alphabet, unused bits', async (t) => {
  let checked = 0
  for (const name of names) {
    for (const [key, n] of Object.entries(SAMPLES[name].binary)) {
      const valid = SAMPLES[name].valid as Record<string, unknown>
      t.equal(typeof valid[key], 'string', `${name}.${key} is in the sample`)
      for (const [fault, value] of corruptions(valid[key] as string, n)) {
        t.notOk(accepts(name, withMember(valid, key, value)), `${name}.${key}: ${fault}`)
        checked++
      }
    }
  }
  t.equal(checked, 14 * 7)
})

t.test('non-objects are rejected', async (t) => {
  for (const name of names) {
    for (const value of [null, [], 'x', 1, true]) t.notOk(accepts(name, value), `${name}: ${value}`)
  }
})
