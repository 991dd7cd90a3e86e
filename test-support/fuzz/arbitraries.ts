/**
 * fast-check arbitraries for the fuzz test of the reference device: HTTP requests derived from
 * the valid request of each endpoint and then mutated (JSON members, body bytes before and after
 * signing, header fields that lie, repeat, overflow or carry control bytes, methods, paths,
 * queries), and session scripts (a ticket of some kind, an opening handshake of some kind, Noise
 * message 1 of some kind, then a list of frame actions). The values are only descriptions; the
 * fuzz drivers build the live bytes from them (fresh tickets, pairing ids, Noise state).
 */
import fc from 'fast-check'
import { PATHS } from '../../protocol/registry.ts'

export const TEMPLATES = [
  'discovery',
  'pair-start',
  'pair-finish',
  'test-pin',
  'tickets',
  'rpc',
  'clients-self',
  'ws-get',
  'other',
] as const
export type Template = (typeof TEMPLATES)[number]

export type ByteEdit =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'cut'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'pad'; readonly length: number }

export type JsonEdit =
  | { readonly op: 'set'; readonly member: string; readonly value: unknown }
  | { readonly op: 'delete'; readonly member: string }
  | { readonly op: 'root'; readonly value: unknown }

export interface HeaderEdit {
  /** 'set' replaces every field of that name, 'add' sends one more. */
  readonly mode: 'set' | 'add'
  readonly name: string
  readonly value: string
}

export interface HttpCase {
  readonly template: Template
  /** null: the template's own method and path. */
  readonly method: string | null
  readonly path: string | null
  readonly query: string
  readonly sign: 'none' | 'ed25519' | 'hmac-sha256'
  readonly jsonEdits: readonly JsonEdit[]
  readonly byteEdits: readonly ByteEdit[]
  /** Applied after signing: the signature then covers another body (a digest mismatch). */
  readonly editsAfterSigning: readonly ByteEdit[]
  readonly headerEdits: readonly HeaderEdit[]
  readonly contentLength: boolean
  /** pair/finish: cA computed from the right PIN, so the pairing may succeed. */
  readonly rightConfirmation: boolean
}

const MEMBERS = ['v', 'client_key', 'client_name', 'pA', 'pairing_id', 'cA', 'ttl']
const RPC_MEMBERS = ['jsonrpc', 'id', 'method', 'params']
/** Above node's 16 KiB header limit, and below it. */
const HUGE = [20_000, 9_000]

const member = fc.oneof(fc.constantFrom(...MEMBERS, ...RPC_MEMBERS), fc.string({ maxLength: 8 }))
const jsonValue = fc.jsonValue({ maxDepth: 3 })

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), member, value: jsonValue }),
  fc.record({ op: fc.constant('delete' as const), member }),
  fc.record({ op: fc.constant('root' as const), value: jsonValue }),
)

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('pad' as const), length: fc.nat(2048) }),
)

const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.nat(4096).map(String),
  fc.constantFrom('', '-1', '1, 2', 'chunked', '100-continue', 'application/json'),
  fc.constantFrom(...HUGE).map((n) => 'a'.repeat(n)),
)

const headerEdit: fc.Arbitrary<HeaderEdit> = fc.record({
  mode: fc.constantFrom('set' as const, 'add' as const),
  name: fc.constantFrom(
    'content-type',
    'content-length',
    'transfer-encoding',
    'expect',
    'host',
    'signature',
    'signature-input',
    'content-digest',
    'x-fuzz',
  ),
  value: headerValue,
})

const method = fc.option(
  fc.oneof(
    fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'),
    fc.stringMatching(/^[A-Z]{1,8}$/),
  ),
  { nil: null },
)

const path = fc.option(
  fc.oneof(
    fc.constantFrom(...Object.values(PATHS)),
    fc.webPath(),
    fc.string({ maxLength: 20 }).map((s) => `/${s}`),
  ),
  { nil: null },
)

const query = fc.oneof(
  fc.constant(''),
  fc.constant(''),
  fc.string({ maxLength: 30 }).map((s) => `?ticket=${encodeURIComponent(s)}`),
  fc.webQueryParameters().map((q) => `?${q}`),
)

/** The valid request of the template, before any mutation. */
const UNCHANGED = {
  method: null,
  path: null,
  query: '',
  jsonEdits: [],
  byteEdits: [],
  editsAfterSigning: [],
  headerEdits: [],
  contentLength: true,
}

/**
 * Mostly one kind of mutation at a time, so that most requests get past the first check that
 * refuses them and reach the deeper ones (authentication, the body, the handler); now and then
 * all kinds at once.
 */
const mutation: fc.Arbitrary<Partial<HttpCase>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 3 },
  fc.record({ jsonEdits: fc.array(jsonEdit, { minLength: 1, maxLength: 2 }) }),
  fc.record({ byteEdits: fc.array(byteEdit, { minLength: 1, maxLength: 2 }) }),
  fc.record({ editsAfterSigning: fc.array(byteEdit, { minLength: 1, maxLength: 1 }) }),
  {
    arbitrary: fc.record({ headerEdits: fc.array(headerEdit, { minLength: 1, maxLength: 2 }) }),
    weight: 2,
  },
  fc.record({ method, path, query }),
  fc.record({ contentLength: fc.constant(false) }),
  fc.record({
    method,
    path,
    query,
    jsonEdits: fc.array(jsonEdit, { maxLength: 2 }),
    byteEdits: fc.array(byteEdit, { maxLength: 2 }),
    editsAfterSigning: fc.array(byteEdit, { maxLength: 1 }),
    headerEdits: fc.array(headerEdit, { maxLength: 2 }),
    contentLength: fc.boolean(),
  }),
)

/** The templates that are signed requests, signed most of the time. */
const SIGNED: readonly Template[] = ['tickets', 'rpc', 'clients-self']

export const httpCase: fc.Arbitrary<HttpCase> = fc
  .record({
    template: fc.constantFrom(...TEMPLATES),
    sign: fc.constantFrom('ed25519' as const, 'hmac-sha256' as const, 'none' as const),
    mutation,
    rightConfirmation: fc.boolean(),
  })
  .map(({ template, sign, mutation: changes, rightConfirmation }) => ({
    template,
    sign: SIGNED.includes(template) ? sign : ('none' as const),
    rightConfirmation,
    ...UNCHANGED,
    ...changes,
  }))

/** Up to three requests sent at once, so the in-flight budget can run out (503 overloaded). */
export const httpBatch = fc.array(httpCase, { minLength: 1, maxLength: 3 })

/** Which ticket the opening handshake carries. */
export type TicketKind = 'fresh' | 'used' | 'mutated' | 'random' | 'none' | 'empty' | 'twice'
/** The opening handshake (RFC 6455 §4.1), valid or broken in one way. */
export type OpeningKind = 'valid' | 'bad-key' | 'bad-version' | 'no-upgrade-token' | 'post'
/** Noise message 1 (spec §7.4), valid or broken in one way, or none at all. */
export type MessageOneKind =
  | 'valid'
  | 'bad-payload'
  | 'wrong-version'
  | 'garbage'
  | 'short'
  | 'none'
/** RFC 6455 violations, which the WebSocket layer refuses (§5.1, §5.2, §5.5, §7.4). */
export type Violation =
  | 'unmasked'
  | 'rsv'
  | 'reserved-opcode'
  | 'long-control'
  | 'fragmented-control'
  | 'orphan-continuation'
  | 'bad-close-code'

export type FrameAction =
  | { readonly kind: 'rpc'; readonly params: unknown }
  | { readonly kind: 'sealed-text'; readonly text: string }
  | { readonly kind: 'tampered'; readonly edit: ByteEdit }
  | { readonly kind: 'replay' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'fragmented'; readonly params: unknown }
  | { readonly kind: 'text'; readonly bytes: Uint8Array }
  | { readonly kind: 'empty' }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array }
  | { readonly kind: 'oversize'; readonly extra: number }
  | { readonly kind: 'ping'; readonly bytes: Uint8Array }
  | { readonly kind: 'violation'; readonly violation: Violation }
  | { readonly kind: 'close'; readonly code: number }

export interface SessionCase {
  readonly ticket: TicketKind
  readonly randomTicket: string
  readonly opening: OpeningKind
  readonly messageOne: MessageOneKind
  /** Message 1 of kind 'garbage' (47 of its bytes for 'short'). */
  readonly garbage: Uint8Array
  /** The handshake payload of kind 'bad-payload'. */
  readonly payload: unknown
  readonly frames: readonly FrameAction[]
}

const params = fc.oneof(
  fc.array(jsonValue, { maxLength: 3 }),
  fc.dictionary(fc.string(), jsonValue),
)
const smallBytes = fc.uint8Array({ maxLength: 80 })

const frameAction: fc.Arbitrary<FrameAction> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('rpc' as const), params }), weight: 4 },
  fc.record({ kind: fc.constant('sealed-text' as const), text: fc.string({ maxLength: 60 }) }),
  fc.record({ kind: fc.constant('tampered' as const), edit: byteEdit }),
  fc.constantFrom({ kind: 'replay' as const }, { kind: 'skip' as const }),
  fc.record({ kind: fc.constant('fragmented' as const), params }),
  fc.record({ kind: fc.constant('text' as const), bytes: smallBytes }),
  fc.constant({ kind: 'empty' as const }),
  fc.record({ kind: fc.constant('binary' as const), bytes: smallBytes }),
  fc.record({ kind: fc.constant('oversize' as const), extra: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant('ping' as const), bytes: fc.uint8Array({ maxLength: 125 }) }),
  fc.record({
    kind: fc.constant('violation' as const),
    violation: fc.constantFrom<Violation>(
      'unmasked',
      'rsv',
      'reserved-opcode',
      'long-control',
      'fragmented-control',
      'orphan-continuation',
      'bad-close-code',
    ),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    // RFC 6455 §7.4: codes a client may send.
    code: fc.oneof(fc.constantFrom(1000, 1001, 1003, 1008), fc.integer({ min: 3000, max: 4999 })),
  }),
)

/** The valid choice three times in four, else one way of being wrong. */
function mostlyValid<T>(valid: T, wrong: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constant(valid), weight: 3 * wrong.length },
    ...wrong.map((value) => ({ arbitrary: fc.constant(value), weight: 1 })),
  )
}

export const sessionCase: fc.Arbitrary<SessionCase> = fc.record({
  ticket: mostlyValid<TicketKind>('fresh', ['used', 'mutated', 'random', 'none', 'empty', 'twice']),
  randomTicket: fc.string({ maxLength: 50 }),
  opening: mostlyValid<OpeningKind>('valid', [
    'bad-key',
    'bad-version',
    'no-upgrade-token',
    'post',
  ]),
  messageOne: mostlyValid<MessageOneKind>('valid', [
    'bad-payload',
    'wrong-version',
    'garbage',
    'short',
    'none',
  ]),
  garbage: fc.uint8Array({ minLength: 48, maxLength: 150 }),
  payload: jsonValue,
  frames: fc.array(frameAction, { maxLength: 6 }),
})
