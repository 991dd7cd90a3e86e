/** Component values (RFC 9421 §2.1, §2.2) and the signature base (§2.5) beyond the vectors. */
import t from 'tap'
import { utf8Decode } from '../encoding.ts'
import { componentValue } from './components.ts'
import { fieldValue, hasBody, type HttpRequest } from './request.ts'
import { signatureBase } from './signature-base.ts'
import type { BareItem, InnerList, StringItem } from './structured-fields.ts'

const id = (value: string, params: [string, BareItem][] = []): StringItem => ({
  value,
  params: new Map(params),
})
const request = (url: string, headers: HttpRequest['headers'] = {}): HttpRequest => ({
  method: 'POST',
  url,
  headers,
})
const value = (r: HttpRequest, name: string): string => componentValue(r, id(name))

t.test('derived components of RFC 9421 §2.2', async (t) => {
  const r = request('HTTPS://User:pw@WWW.Example.COM:443/a/b%20c?x=1&Y=%41#frag')
  t.equal(value(r, '@method'), 'POST', '§2.2.1: the method as sent')
  t.equal(value(r, '@target-uri'), 'https://www.example.com/a/b%20c?x=1&Y=%41', '§2.2.2')
  t.equal(value(r, '@authority'), 'www.example.com', '§2.2.3: lowercase, default port removed')
  t.equal(value(r, '@path'), '/a/b%20c', '§2.2.6')
  t.equal(value(r, '@query'), '?x=1&Y=%41', '§2.2.7')
  const bare = request('http://example.com:8080')
  t.equal(value(bare, '@target-uri'), 'http://example.com:8080/')
  t.equal(value(bare, '@authority'), 'example.com:8080', 'a non-default port is kept')
  t.equal(value(bare, '@path'), '/', 'an empty path is /')
  t.equal(value(bare, '@query'), '?', 'an absent query is ? alone')
  t.equal(value(request('https://example.com/?'), '@query'), '?', 'an empty query is ? alone')
})

t.test('a target URI that is not an absolute http(s) URI is a missing component', async (t) => {
  for (const url of ['/relative', 'not a url', 'mailto:a@example.com', 'file:///etc/passwd']) {
    for (const name of ['@target-uri', '@authority', '@path', '@query']) {
      t.throws(() => value(request(url), name), { code: 'missing-component', detail: name }, url)
    }
    t.equal(value(request(url), '@method'), 'POST', '@method does not need the URI')
  }
})

t.test('HTTP fields of RFC 9421 §2.1', async (t) => {
  const r = request('https://example.com/', {
    'X-Multi': ['  one ', '\ttwo\t'],
    'x-multi': 'three',
    'Cache-Control': 'max-age=60,   must-revalidate ',
    'X-Empty': '',
    'X-Absent': undefined,
    'X-None': [],
  })
  t.equal(value(r, 'x-multi'), 'one, two, three', 'lines trimmed and joined by ", ", any case')
  t.equal(value(r, 'cache-control'), 'max-age=60,   must-revalidate', 'inner spaces kept')
  t.equal(value(r, 'x-empty'), '', 'an empty field is present')
  t.throws(() => value(r, 'x-absent'), { code: 'missing-component', detail: 'x-absent' })
  t.throws(() => value(r, 'x-none'), { code: 'missing-component', detail: 'x-none' })
  t.throws(() => value(r, 'date'), { code: 'missing-component', detail: 'date' })
  t.equal(fieldValue(r, 'date'), undefined)
})

t.test('identifiers Pairwire does not support are malformed-signature', async (t) => {
  const r = request('https://example.com/', { date: 'today', 'X-Multi': 'a' })
  const malformed = { code: 'malformed-signature' }
  for (const name of ['@foo', '@signature-params', '@scheme', '@status', '@request-target']) {
    t.throws(() => value(r, name), malformed, `unknown derived component ${name}`)
  }
  t.throws(() => value(r, 'X-Multi'), malformed, 'uppercase field name')
  t.throws(() => value(r, 'x multi'), malformed, 'not a token')
  t.throws(() => value(r, ''), malformed, 'empty name')
  t.throws(() => componentValue(r, id('date', [['sf', true]])), malformed, ';sf')
  t.throws(() => componentValue(r, id('@method', [['req', true]])), malformed, ';req')
})

t.test('no component value can add a line to the signature base', async (t) => {
  const malformed = { code: 'malformed-signature' }
  const r = request('https://example.com/', { 'x-a': 'ok\r\n"@method": GET', 'x-b': 'caf\u00e9' })
  t.throws(() => value(r, 'x-a'), malformed, 'CR LF')
  t.throws(() => value(r, 'x-b'), malformed, 'non-ASCII')
  t.throws(() => value({ ...r, method: 'GET\n' }, '@method'), malformed, 'LF in the method')
  t.equal(value(request('https://example.com/a\nb'), '@target-uri'), 'https://example.com/ab')
})

t.test('the signature base (RFC 9421 §2.5)', async (t) => {
  const r = request('https://example.com/p?q', { 'content-digest': 'sha-256=:AA==:' })
  const input = (names: string[]): InnerList => ({
    items: names.map((n) => id(n)),
    params: new Map<string, BareItem>([['created', 1], ['nonce', 'n']]),
  })
  t.equal(
    utf8Decode(signatureBase(r, input(['@method', '@target-uri', 'content-digest']))),
    '"@method": POST\n"@target-uri": https://example.com/p?q\n' +
      '"content-digest": sha-256=:AA==:\n' +
      '"@signature-params": ("@method" "@target-uri" "content-digest");created=1;nonce="n"',
  )
  t.equal(
    utf8Decode(signatureBase(r, input([]))),
    '"@signature-params": ();created=1;nonce="n"',
    'no covered component: only the parameters line',
  )
  t.throws(() => signatureBase(r, input(['@method', '@method'])), {
    code: 'malformed-signature',
    detail: 'component "@method" covered twice',
  })
})

t.test('a request has a body when it carries at least one byte', async (t) => {
  t.notOk(hasBody(request('https://example.com/')))
  t.notOk(hasBody({ ...request('https://example.com/'), body: new Uint8Array(0) }))
  t.ok(hasBody({ ...request('https://example.com/'), body: new Uint8Array(1) }))
})
