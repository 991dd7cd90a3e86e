/**
 * RFC 9457 problem details as Pairwire uses them (spec §2.6): `type`, `title` and `status` are
 * those of one registry entry (§11.1), `detail` is optional, and the only extension members are
 * `attempts_remaining`, present exactly on confirmation-failed (spec §5.8), and `device_time`,
 * optional on clock-skew (spec §8.7). RFC 9457 `instance` is not used, and Retry-After travels only as the HTTP header (spec §10).
 */
import Type from 'typebox'
import { PROBLEMS, problemType } from '../../protocol/registry.ts'
import { Int, UnixTime } from './primitives.ts'

const ENTRIES = Object.values(PROBLEMS)

// One if/then per registry entry ties title and status to the type, with an error naming the
// member that is wrong (an anyOf of 25 branches would only say that none matched).
const TITLE_AND_STATUS_OF_TYPE = ENTRIES.map((entry) => ({
  if: { properties: { type: { const: problemType(entry) } } },
  then: { properties: { title: { const: entry.title }, status: { const: entry.status } } },
}))

// `properties: { attempts_remaining: true }` restates the member so that strict ajv
// (strictRequired) accepts `required` inside `then`.
const ATTEMPTS_ONLY_ON_CONFIRMATION_FAILED = {
  if: { properties: { type: { const: problemType(PROBLEMS.confirmationFailed) } } },
  then: { properties: { attempts_remaining: true }, required: ['attempts_remaining'] },
  else: { properties: { attempts_remaining: false } },
}

// spec §8.7 {#pw-sig-8.7-clock-skew-time}: device_time only on clock-skew, and optional there.
const DEVICE_TIME_ONLY_ON_CLOCK_SKEW = {
  if: { properties: { type: { const: problemType(PROBLEMS.clockSkew) } } },
  then: { properties: { device_time: true } },
  else: { properties: { device_time: false } },
}

export const Problem = Type.Object(
  {
    type: Type.Enum(ENTRIES.map(problemType)),
    title: Type.String({ minLength: 1 }),
    status: Int(400, 599),
    detail: Type.Optional(Type.String()),
    attempts_remaining: Type.Optional(Int(0)),
    device_time: Type.Optional(UnixTime),
  },
  {
    additionalProperties: false,
    description: 'RFC 9457 problem details, application/problem+json (spec §2.6, §11.1)',
    allOf: [
      ...TITLE_AND_STATUS_OF_TYPE,
      ATTEMPTS_ONLY_ON_CONFIRMATION_FAILED,
      DEVICE_TIME_ONLY_ON_CLOCK_SKEW,
    ],
  },
)
