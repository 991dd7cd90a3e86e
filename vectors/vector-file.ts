/**
 * The one tool that finishes a vector file (STYLE.md "From Wycheproof"): builders write test
 * groups without tcIds; `finishVectorFile` numbers the tests 1..N in file order, computes
 * `numberOfTests`, puts the common members first, and checks that every flag used has a note and
 * every note is used. `renderVectorFile` gives the exact bytes: 2-space JSON and a final newline.
 */
import { BUG_TYPES, VECTOR_FILE_COMMENT } from '../schemas/src/vectors.ts'

/** Version of the generator's output format; bump it when the meaning of a field changes. */
export const GENERATOR_VERSION = '1'

export interface Note {
  bugType: (typeof BUG_TYPES)[number]
  description: string
}

/** A test as a builder writes it: everything but its tcId. */
export type TestDraft<T> = T extends unknown ? Omit<T, 'tcId'> : never

/** A test group as a builder writes it. */
export type GroupDraft<G> = G extends { tests: (infer T)[] }
  ? Omit<G, 'tests'> & { tests: TestDraft<T>[] }
  : never

interface AnyTest {
  flags: string[]
}

interface AnyGroup {
  tests: AnyTest[]
}

export interface FileDraft<G> {
  /** The schema name, e.g. 'pairing-vectors'. */
  name: string
  algorithm: string
  source: string
  header: string[]
  notes: Record<string, Note>
  testGroups: G[]
}

function checkNotes(notes: Record<string, Note>, groups: readonly AnyGroup[], name: string): void {
  const used = new Set(groups.flatMap((g) => g.tests.flatMap((t) => t.flags)))
  for (const flag of used) {
    if (!Object.hasOwn(notes, flag)) throw new Error(`${name}: flag ${flag} has no note`)
  }
  for (const flag of Object.keys(notes)) {
    if (!used.has(flag)) throw new Error(`${name}: note ${flag} is used by no test`)
  }
}

/** Numbers the tests and adds the common members; the result is the file's JSON value. */
export function finishVectorFile<F>(draft: FileDraft<object>): F {
  const groups = draft.testGroups as unknown as AnyGroup[]
  checkNotes(draft.notes, groups, draft.name)
  let tcId = 0
  const testGroups = groups.map((g) => ({
    ...g,
    tests: g.tests.map((t) => ({ tcId: ++tcId, ...t })),
  }))
  return {
    $comment: VECTOR_FILE_COMMENT,
    algorithm: draft.algorithm,
    schema: `${draft.name}.schema.json`,
    generatorVersion: GENERATOR_VERSION,
    numberOfTests: tcId,
    source: draft.source,
    header: draft.header,
    notes: draft.notes,
    testGroups,
  } as F
}

export function renderVectorFile(file: unknown): string {
  return JSON.stringify(file, null, 2) + '\n'
}
