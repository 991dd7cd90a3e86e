/**
 * Which cases a run executes: --only and --skip globs over case ids, --level, and --replay (exactly
 * one case). Selecting nothing is an error of the run (exit 2), never a vacuous pass.
 */
import type { CaseDefinition, Level } from './model.ts'

export type LevelOption = 'must' | 'should'

export interface Selection {
  readonly only: readonly string[]
  readonly skip: readonly string[]
  readonly level: LevelOption
  /** The case id of --replay; overrides every other filter. */
  readonly replayId?: string
}

/** A glob over case ids: `*` any run of characters, `?` one character, the rest literal. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}

const matchesAny = (id: string, globs: readonly string[]): boolean =>
  globs.some((glob) => globToRegExp(glob).test(id))

/** `--level must` runs MUST cases only; `--level should` (the default) runs every level. */
export function levelSelected(level: Level, option: LevelOption): boolean {
  return option === 'should' || level === 'MUST'
}

export function selectCases<C extends Pick<CaseDefinition, 'id' | 'level'>>(
  cases: readonly C[],
  selection: Selection,
): C[] {
  if (selection.replayId !== undefined) return cases.filter((c) => c.id === selection.replayId)
  return cases.filter(
    (c) =>
      (selection.only.length === 0 || matchesAny(c.id, selection.only)) &&
      !matchesAny(c.id, selection.skip) &&
      levelSelected(c.level, selection.level),
  )
}
