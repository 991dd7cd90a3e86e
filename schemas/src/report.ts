/**
 * The JSON report of the conformance harness (`pairwire-conformance ... --report json:FILE`,
 * spec §14.2): the tool, the target, the run's parameters, the counts, the exit code, and one
 * result per selected case with its id (spec section + slug), level, requirement anchor, verdict,
 * expected against actual, the exchanges shown, and the replay token that reproduces it.
 */
import Type from 'typebox'
import { Int } from './primitives.ts'

const CASE_ID = '^[0-9]+(?:\\.[0-9]+)*-[a-z0-9]+(?:-[a-z0-9]+)*$'
const SECTION = '^[0-9]+(?:\\.[0-9]+)*$'
const ANCHOR = '^(?:pw|zp)-[a-z]+-[0-9]+(?:\\.[0-9]+)*-[a-z0-9]+(?:-[a-z0-9]+)*$'
// An ISO 8601 UTC timestamp as Date.prototype.toISOString writes it.
const TIMESTAMP = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'
// <case-id>@<seed>[:<fast-check path>]
const REPLAY = '^[0-9]+(?:\\.[0-9]+)*-[a-z0-9-]+@-?[0-9]+(?::[0-9]+)*$'

const Count = Int(0)

const Exchange = Type.Object(
  {
    step: Type.String({ description: 'what the harness did, e.g. "POST /pairwire/v1/pair/start"' }),
    sent: Type.Optional(Type.Unknown()),
    expected: Type.Optional(Type.Unknown()),
    actual: Type.Optional(Type.Unknown()),
    trace: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'wire trace, failed cases only: request line, headers, signature base, status, ' +
          'problem body, frames with sizes, first bytes in hex and close codes',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'one request, frame exchange or wait; never secrets',
  },
)

const CaseResult = Type.Object(
  {
    id: Type.String({ pattern: CASE_ID }),
    section: Type.String({ pattern: SECTION }),
    level: Type.Enum(['MUST', 'SHOULD', 'MAY']),
    requirement: Type.String({ pattern: ANCHOR, description: 'spec anchor, without {#}' }),
    title: Type.String({ minLength: 1 }),
    status: Type.Enum(['pass', 'fail', 'skip', 'finding']),
    message: Type.Optional(Type.String({ description: 'why the case failed' })),
    expected: Type.Optional(Type.Unknown()),
    actual: Type.Optional(Type.Unknown()),
    reason: Type.Optional(Type.String({ description: 'why the case was skipped' })),
    cause: Type.Optional(
      Type.Enum(['setup', 'slow', 'not-supported', 'precondition'], {
        description:
          'why a case was skipped; setup: the run had no PIN source or capability (exit 3)',
      }),
    ),
    exchanges: Type.Array(Exchange),
    replay: Type.String({ pattern: REPLAY, description: 'the --replay token of this case' }),
    duration_ms: Count,
  },
  { additionalProperties: false },
)

export const ConformanceReport = Type.Object(
  {
    tool: Type.Object(
      { name: Type.Literal('pairwire-conformance'), version: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    mode: Type.Enum(['server', 'client', 'relay'], {
      description:
        'client: the harness played the device and target.url is the adapter command; ' +
        'relay: the harness played devices and clients against the relay at target.url',
    }),
    profile: Type.Optional(Type.String({ minLength: 1, description: 'the profile judged (--profile), when not Pairwire 1' })),
    target: Type.Object(
      {
        url: Type.String({ minLength: 1 }),
        device_id: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, description: 'device_id is absent when discovery failed' },
    ),
    seed: Type.Integer(),
    runs: Int(1),
    level: Type.Enum(['must', 'should']),
    slow: Type.Boolean(),
    pin_source: Type.Enum(['command', 'test-control', 'none', 'auto', 'local-rpc', 'harness'], {
      description:
        'auto: the run stopped before discovery chose test-control or none; harness: client ' +
        'mode, the harness device makes the PINs',
    }),
    started_at: Type.String({ pattern: TIMESTAMP }),
    finished_at: Type.String({ pattern: TIMESTAMP }),
    duration_ms: Count,
    summary: Type.Object(
      {
        total: Count,
        passed: Count,
        failed: Count,
        skipped: Count,
        warnings: Count,
        must_ran: Count,
        must_total: Count,
        must_unchecked: Count,
        findings: Type.Optional(Count),
      },
      {
        additionalProperties: false,
        description:
          'failed counts MUST cases; a failed SHOULD or MAY case is a warning; must_ran of ' +
          'must_total MUST cases ran; must_unchecked were skipped for a missing PIN source',
      },
    ),
    exit_code: Type.Enum([0, 1, 2, 3], {
      description: '0 passed, 1 a MUST failed, 2 unusable, 3 MUST cases unchecked (spec §14.2)',
    }),
    error: Type.Optional(
      Type.String({ minLength: 1, description: 'exit 2: why the run stopped or could not start' }),
    ),
    clock_offset_s: Type.Optional(
      Type.Number({ description: 'device clock minus harness clock, seconds (Date header)' }),
    ),
    results: Type.Array(CaseResult),
  },
  {
    additionalProperties: false,
    description: 'pairwire-conformance JSON report (spec §14.2)',
  },
)

export const REPORT_SCHEMAS = { 'conformance-report': ConformanceReport }
