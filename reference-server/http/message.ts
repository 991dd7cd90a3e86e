/**
 * Turning a request body into a Pairwire message (spec §2, §10.1 steps 8-11): the media type,
 * UTF-8 JSON, then the version rule
 * and the schema of schemas/validate.ts. Not JSON or failing the schema (unknown members,
 * wrongly encoded values, a missing or non-integer `v`) is 400 malformed-request; an integer `v`
 * the device does not support is 400 unsupported-version. A message that passes needs no
 * further shape checks.
 */
import { PROBLEMS } from '../../protocol/registry.ts'
import { validateMessage, type Message, type MessageName } from '../../schemas/validate.ts'
import { readBody, requireJsonMediaType, type BodyRules } from './body.ts'
import { HttpProblem } from './http-problem.ts'
import type { Exchange } from './router.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Parses bytes as UTF-8 JSON; undefined when they are not. */
function parseJson(body: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(utf8.decode(body)) }
  } catch {
    return undefined
  }
}

/** The message `name` carried by `body`, or an HttpProblem 400. */
export function parseMessage<N extends MessageName>(name: N, body: Uint8Array): Message<N> {
  const parsed = parseJson(body)
  if (parsed === undefined) throw new HttpProblem(PROBLEMS.malformedRequest)
  const result = validateMessage(name, parsed.value)
  if (result.ok) return result.value
  const unsupported = result.reason === 'unsupported-version'
  throw new HttpProblem(unsupported ? PROBLEMS.unsupportedVersion : PROBLEMS.malformedRequest)
}

/** An unsigned endpoint's message: §10.1 steps 4-6 and 8-11 in order. */
export async function readMessage<N extends MessageName>(
  ex: Exchange,
  rules: BodyRules,
  name: N,
): Promise<Message<N>> {
  const body = await readBody(ex, rules)
  requireJsonMediaType(ex, body)
  return parseMessage(name, body)
}
