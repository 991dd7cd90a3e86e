/**
 * bench/results.json, written by `npm run bench`: the machine, the run's settings, and one row per
 * figure with the Pairwire median, the plain baseline's and the wss + bearer baseline's medians
 * taken in the same run, the ratios, the targets they are held to (a floor on pairwire ÷ baseline,
 * and pairwire against wss), and every repetition's raw figures.
 */
import Type from 'typebox'
import { Int } from './primitives.ts'

const TIMESTAMP = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'
const Figure = Type.Union([Type.Number({ minimum: 0 }), Type.Null()])

const Target = Type.Object(
  {
    op: Type.Enum(['>=', '<=']),
    value: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false, description: 'the ratio pairwire / baseline must meet op value' },
)

const BenchRow = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' }),
    name: Type.String({ minLength: 1 }),
    unit: Type.String({ minLength: 1 }),
    status: Type.Enum(['measured', 'not-available', 'skipped']),
    pairwire: Figure,
    baseline: Figure,
    wss: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'the TLS 1.3 + bearer token baseline (bench/baselines/wss-echo.ts), null if none',
    }),
    ratio: Figure,
    wss_ratio: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'wss / baseline',
    }),
    vs_wss: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'pairwire / wss',
    }),
    target: Type.Union([Target, Type.Null()]),
    target_wss: Type.Union([Target, Type.Null()], {
      description: 'the ratio pairwire / wss must meet op value',
    }),
    met: Type.Union([Type.Boolean(), Type.Null()], {
      description: 'both targets met (a null target does not count)',
    }),
    runs: Type.Object(
      {
        pairwire: Type.Array(Type.Number()),
        baseline: Type.Array(Type.Number()),
        wss: Type.Array(Type.Number()),
      },
      { additionalProperties: false, description: 'every repetition, in order' },
    ),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export const BenchResults = Type.Object(
  {
    tool: Type.Literal('pairwire-bench'),
    quick: Type.Boolean(),
    started_at: Type.String({ pattern: TIMESTAMP }),
    duration_ms: Int(0),
    machine: Type.Object(
      {
        node: Type.String({ minLength: 1 }),
        cpu: Type.String({ minLength: 1 }),
        cores: Int(1),
        platform: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    settings: Type.Object(
      { warmup_ms: Int(0), duration_ms: Int(1), repetitions: Int(1), sessions: Int(1) },
      { additionalProperties: false },
    ),
    results: Type.Array(BenchRow),
  },
  { additionalProperties: false, description: 'npm run bench results (medians and ratios)' },
)

export const BENCH_SCHEMAS = { 'bench-results': BenchResults }
