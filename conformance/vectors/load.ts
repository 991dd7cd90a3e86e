/**
 * The vector files (vectors/*.json) as the harness reads them at run time (spec §14, DESIGN §5):
 * the vectors are the wire truth, so a replay case sends what a vector describes and judges the
 * answer by the vector's own expected result, never by a copy of it in harness code. A test is
 * replayed only where its `wire` member names the side the harness judges; the group's
 * `wireNotes` say why the others are not. `device` is server mode (the harness plays the client,
 * the target receives the test); the client mode (the harness plays the device) will read the
 * same files through `wireTests(file, 'client')`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type {
  PairingVectorFile,
  SessionVectorFile,
  SigningVectorFile,
} from '../../schemas/src/vectors.ts'
import { PACKAGE_ROOT } from '../package-root.ts'

export type WireSide = 'device' | 'client'

export interface VectorFiles {
  readonly 'pairing.json': PairingVectorFile
  readonly 'signing.json': SigningVectorFile
  readonly 'session.json': SessionVectorFile
}

export type VectorFileName = keyof VectorFiles

type GroupOf<F extends VectorFileName> = VectorFiles[F]['testGroups'][number]
type TestOf<F extends VectorFileName> = GroupOf<F>['tests'][number]

/** One test to replay, with the group whose parameters it uses. */
export interface WireTest<F extends VectorFileName> {
  readonly group: GroupOf<F>
  readonly test: TestOf<F>
}

const cache = new Map<VectorFileName, unknown>()

/** Reads one vector file of this package (cached: the files never change). */
export function vectorFile<F extends VectorFileName>(name: F): VectorFiles[F] {
  let file = cache.get(name)
  if (file === undefined) {
    file = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'vectors', name), 'utf8')) as unknown
    // vectors/files.test.ts holds the files to their schemas; here only the shape the loader reads.
    const shape = file as { numberOfTests?: unknown; testGroups?: unknown }
    if (typeof shape.numberOfTests !== 'number' || !Array.isArray(shape.testGroups)) {
      throw new Error(`vectors/${name} is not a vector file`)
    }
    cache.set(name, file)
  }
  return file as VectorFiles[F]
}

/** The tests of `name` that a harness replays against `side`, in file order. */
export function wireTests<F extends VectorFileName>(name: F, side: WireSide): WireTest<F>[] {
  const out: WireTest<F>[] = []
  for (const group of vectorFile(name).testGroups as GroupOf<F>[]) {
    for (const test of group.tests as TestOf<F>[]) {
      const wire = (test as { wire?: readonly string[] }).wire
      if (wire?.includes(side) === true) out.push({ group, test })
    }
  }
  return out
}

/** "15 of 81 tests of vectors/pairing.json": what a replay case reports it runs. */
export function wireCount(name: VectorFileName, side: WireSide): string {
  return `${wireTests(name, side).length} of ${vectorFile(name).numberOfTests} tests of vectors/${name}`
}
