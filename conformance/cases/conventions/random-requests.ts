/**
 * Random requests for the robustness properties of §2 (no 5xx, every error a problem): any
 * endpoint of §2.9 with a body that is random bytes, random text, random JSON, a schema-valid
 * message (with random shares that are rarely points), or one with one member broken, under a
 * right or wrong Content-Type, and for signed endpoints Signature-Input / Signature fields that
 * are garbage or almost right. Every choice comes from fast-check, so a seed and a path reproduce
 * an example exactly.
 */
import fc from 'fast-check'
import { base64urlEncode } from '../../../protocol/encoding.ts'
import { PATHS, PROTOCOL_VERSION, SIZES } from '../../../protocol/registry.ts'
import { computeShare, passwordScalar } from '../../../protocol/spake2/index.ts'
import { httpRequest, type HttpResponse } from '../../drivers/http.ts'
import type { CaseContext } from '../../model.ts'

export interface RandomRequest {
  readonly method: string
  readonly path: string
  readonly contentType: string | undefined
  readonly body: string | Uint8Array | undefined
  readonly signatureInput: string | undefined
  readonly signature: string | undefined
}

const SIGNED = new Set<string>([PATHS.tickets, PATHS.rpc, PATHS.clientsSelf])
const PAIRING = new Set<string>([PATHS.pairStart, PATHS.pairFinish])
const SAMPLE_W = passwordScalar('294017').w
// The P-256 group order n: a scalar in [1, n - 1] gives a valid share.
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const ID_BYTES = 16

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length })
const bytesB64 = (length: number) => bytes(length).map(base64urlEncode)

// A valid share, 04 || 64 random bytes (rarely on the curve), or 65 random bytes (spec §5.7).
const SHARE = fc.oneof(
  fc.bigInt(1n, P256_ORDER - 1n).map((x) => base64urlEncode(computeShare('A', x, SAMPLE_W))),
  bytes(SIZES.p256UncompressedPoint - 1).map((xy) => base64urlEncode(Uint8Array.of(4, ...xy))),
  bytesB64(SIZES.p256UncompressedPoint),
)

/** A schema-valid body of each JSON endpoint, from random keys and shares. */
function validBody(path: string): fc.Arbitrary<Record<string, unknown>> {
  const v = fc.constant(PROTOCOL_VERSION)
  switch (path) {
    case PATHS.pairStart:
      return fc.record({
        v,
        client_key: bytesB64(SIZES.ed25519PublicKey),
        client_name: fc.string({ minLength: 1, maxLength: 64 }),
        pA: SHARE,
      })
    case PATHS.pairFinish:
      return fc.record({ v, pairing_id: bytesB64(ID_BYTES), cA: bytesB64(SIZES.confirmationMac) })
    case PATHS.testPin:
      return fc.record({ v, ttl: fc.integer({ min: -5, max: 400 }) })
    case PATHS.rpc:
      return fc.record({
        jsonrpc: fc.constant('2.0'),
        id: fc.nat(),
        method: fc.string(),
        params: fc.array(fc.jsonValue(), { maxLength: 3 }),
      })
    default:
      return fc.record({ v })
  }
}

/** A valid body with one member removed, replaced by any JSON value, or one member added. */
function brokenBody(path: string): fc.Arbitrary<string> {
  const how = fc.constantFrom('drop', 'replace', 'add')
  const name = fc.string({ maxLength: 8 })
  return fc
    .tuple(validBody(path), fc.nat(), how, fc.jsonValue(), name)
    .map(([body, index, change, value, added]) => {
      const keys = Object.keys(body)
      const key = keys[index % keys.length]!
      const copy: Record<string, unknown> = { ...body }
      if (change === 'drop') delete copy[key]
      else if (change === 'replace') copy[key] = value
      else copy[added] = value
      return JSON.stringify(copy)
    })
}

function bodyOf(path: string): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: validBody(path).map((body) => JSON.stringify(body)) },
    { weight: 3, arbitrary: brokenBody(path) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  )
}

const OTHER_TYPES = ['application/json; charset=utf-8', 'text/plain', 'application/octet-stream']
const CONTENT_TYPES = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
)

const oneLine = (text: string): string => text.replace(/[\r\n\0]/g, ' ')

// Signature fields: absent, garbage, or the shape of spec §8.2 with random members.
const SIGNATURE_INPUT = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 120 }).map(oneLine),
  fc
    .tuple(
      fc.integer(),
      bytesB64(ID_BYTES),
      fc.constantFrom('ed25519', 'hmac-sha256', 'rsa', ''),
      fc.string({ maxLength: 30 }).map((s) => s.replace(/["\\\r\n\0]/g, '')),
    )
    .map(
      ([created, nonce, alg, keyid]) =>
        `pw=("@method" "@target-uri");created=${created};nonce="${nonce}";` +
        `keyid="${keyid}";alg="${alg}"`,
    ),
)
const SIGNATURE = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 80 }).map((b) => `pw=:${Buffer.from(b).toString('base64')}:`),
  fc.string({ maxLength: 60 }).map(oneLine),
)

function methodOf(path: string): string {
  if (path === PATHS.clientsSelf) return 'DELETE'
  return path === PATHS.websocket ? 'GET' : 'POST'
}

/** A random request to one of `paths` (the POST endpoints and the session URL of §2.9). */
export function randomRequest(paths: readonly string[]): fc.Arbitrary<RandomRequest> {
  // The pairing endpoints parse the most (shares, ids, MACs): they get three times the examples.
  const weighted = paths.map((path) => ({
    weight: PAIRING.has(path) ? 3 : 1,
    arbitrary: fc.constant(path),
  }))
  return fc.oneof(...weighted).chain((path) => {
    const session = path === PATHS.websocket
    const signed = SIGNED.has(path)
    return fc.record({
      method: fc.constant(methodOf(path)),
      path: session
        ? fc.string({ maxLength: 60 }).map((q) => `${path}?ticket=${encodeURIComponent(q)}`)
        : fc.constant(path),
      contentType: CONTENT_TYPES,
      body: session ? fc.constant(undefined) : bodyOf(path),
      signatureInput: signed ? SIGNATURE_INPUT : fc.constant(undefined),
      signature: signed ? SIGNATURE : fc.constant(undefined),
    })
  })
}

/** The endpoints the robustness properties exercise on this device. */
export function fuzzedPaths(ctx: Pick<CaseContext, 'target'>): string[] {
  const { pairStart, pairFinish, tickets, rpc, clientsSelf, websocket, testPin } = PATHS
  const paths: string[] = [pairStart, pairFinish, tickets, rpc, clientsSelf, websocket]
  if (ctx.target.discovery.profiles.includes('test-control')) paths.push(testPin)
  return paths
}

// A field value the HTTP client can send (RFC 9110 §5.5): visible ASCII and spaces.
const fieldValue = (text: string | undefined): string | undefined =>
  text?.replace(/[^\x20-\x7e]/g, '?')

export function sendRandom(ctx: CaseContext, req: RandomRequest): Promise<HttpResponse> {
  return httpRequest(ctx, {
    method: req.method,
    path: req.path,
    headers: {
      'content-type': req.body === undefined ? undefined : req.contentType,
      'signature-input': fieldValue(req.signatureInput),
      signature: fieldValue(req.signature),
    },
    ...(req.body === undefined ? {} : { body: req.body }),
    step: `random ${req.method} ${req.path.split('?')[0]}`,
  })
}

/** The example as the report shows it (bytes as hex). */
export function describeRequest(req: RandomRequest): Record<string, unknown> {
  const { body } = req
  if (!(body instanceof Uint8Array)) return { ...req }
  return { ...req, body: `hex:${Buffer.from(body).toString('hex')}` }
}
