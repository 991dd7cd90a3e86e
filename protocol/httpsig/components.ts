/**
 * Component values of RFC 9421 §2: the derived components Pairwire supports (§2.2: @method,
 * @target-uri, @authority, @path, @query) and HTTP fields by lowercase name (§2.1).
 *
 * Errors: an identifier this implementation does not understand (an unknown derived component
 * such as @foo or @signature-params, any component parameter such as ;sf, ;key, ;req, a name that
 * is not a lowercase field name) is 'malformed-signature'; a component understood but absent from
 * the request is 'missing-component'. Values are restricted to SP, HTAB and visible ASCII so that
 * no value can add a line to the signature base; anything else is 'malformed-signature'.
 */
import { ProtocolError } from '../errors.ts'
import { fieldValue, type HttpRequest } from './request.ts'
import type { StringItem } from './structured-fields.ts'

export const DERIVED_COMPONENTS = [
  '@method',
  '@target-uri',
  '@authority',
  '@path',
  '@query',
] as const
export type DerivedComponent = (typeof DERIVED_COMPONENTS)[number]

// RFC 9110 §5.1: a field name is a token; RFC 9421 §2.1: the component name is its lowercase form.
const FIELD_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/
const COMPONENT_VALUE = /^[\t\x20-\x7e]*$/

function isDerived(name: string): name is DerivedComponent {
  return (DERIVED_COMPONENTS as readonly string[]).includes(name)
}

/** The target URI of an http(s) request, or undefined when `url` is not one. */
function targetUrl(request: HttpRequest): URL | undefined {
  if (!URL.canParse(request.url)) return undefined
  const url = new URL(request.url)
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
}

function derivedValue(request: HttpRequest, name: DerivedComponent): string {
  if (name === '@method') return request.method
  const url = targetUrl(request)
  if (url === undefined) throw new ProtocolError('missing-component', name)
  switch (name) {
    // §2.2.2: the absolute target URI, without userinfo or fragment (RFC 9110 §7.1). The WHATWG
    // URL parser lowercases scheme and host and drops a default port, so both sides agree.
    case '@target-uri':
      return `${url.protocol}//${url.host}${url.pathname}${url.search}`
    // §2.2.3: host[:port], lowercase, default port removed.
    case '@authority':
      return url.host
    // §2.2.6: the absolute path, "/" when empty.
    case '@path':
      return url.pathname
    // §2.2.7: with the leading "?"; "?" alone when the request has no query.
    case '@query':
      return url.search === '' ? '?' : url.search
  }
}

/** The component value of one covered component identifier (RFC 9421 §2.5 step 2.4). */
export function componentValue(request: HttpRequest, id: StringItem): string {
  if (id.params.size > 0) {
    throw new ProtocolError('malformed-signature', `unsupported parameter on ${id.value}`)
  }
  let value: string | undefined
  if (isDerived(id.value)) value = derivedValue(request, id.value)
  else if (FIELD_NAME.test(id.value)) value = fieldValue(request, id.value)
  else throw new ProtocolError('malformed-signature', `unsupported component ${id.value}`)
  if (value === undefined) throw new ProtocolError('missing-component', id.value)
  if (!COMPONENT_VALUE.test(value)) {
    throw new ProtocolError('malformed-signature', `value of ${id.value} is not visible ASCII`)
  }
  return value
}
