/**
 * The case registry of the conformance harness: every CaseDefinition of conformance/cases/, checked
 * against the specification when loaded (spec/README.md "Requirements"): ids are unique and
 * `<section>-<slug>`, each case cites an anchor that exists, its id's section is the anchor's
 * section, and its level is the anchor's level. A case list that breaks any of these is a bug of
 * the harness, so loading fails rather than reporting verdicts against the wrong requirement.
 */
import { join } from 'node:path'
import { readRequirements, type Requirement } from '../spec/tools/anchors.ts'
import { cases as ALL_CASES } from './cases/index.ts'
import { sectionOf, type CaseDefinition } from './model.ts'
import { PACKAGE_ROOT } from './package-root.ts'
import { PHASES } from './phases.ts'

const SPEC_DIR = join(PACKAGE_ROOT, 'spec')
const CASE_ID = /^\d+(?:\.\d+)*-[a-z0-9]+(?:-[a-z0-9]+)*$/
// pw-<area>-<section>-<slug>: the section is the dotted number after the area.
const ANCHOR_SECTION = /^pw-[a-z]+-(\d+(?:\.\d+)*)-/

export class RegistryError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`the conformance case registry is invalid:\n  ${problems.join('\n  ')}`)
    this.name = 'RegistryError'
    this.problems = problems
  }
}

/** Every way `cases` disagrees with the spec's `requirements`; empty when the list is sound. */
export function registryProblems(
  cases: readonly Pick<CaseDefinition, 'id' | 'level' | 'requirement'>[],
  requirements: readonly Requirement[],
): string[] {
  const problems: string[] = []
  const anchors = new Map(requirements.map((r) => [r.id, r]))
  const seen = new Set<string>()
  for (const c of cases) {
    if (seen.has(c.id)) problems.push(`${c.id}: duplicate case id`)
    seen.add(c.id)
    const wellFormed = CASE_ID.test(c.id)
    if (!wellFormed) problems.push(`${c.id}: id is not <section>-<slug>`)
    const requirement = anchors.get(c.requirement)
    if (requirement === undefined) {
      problems.push(`${c.id}: anchor ${c.requirement} is not in spec/`)
      continue
    }
    const section = ANCHOR_SECTION.exec(c.requirement)?.[1]
    if (wellFormed && section !== sectionOf(c.id)) {
      problems.push(`${c.id}: section ${sectionOf(c.id)} differs from anchor ${c.requirement}`)
    }
    if (c.level !== requirement.level) {
      problems.push(`${c.id}: level ${c.level} but ${c.requirement} is ${requirement.level}`)
    }
  }
  return problems
}

/** The spec's anchored requirements; throws when spec/ itself is malformed. */
export function specRequirements(specDir: string = SPEC_DIR): Requirement[] {
  const { requirements, problems } = readRequirements(specDir)
  if (problems.length > 0) throw new RegistryError(problems.map((p) => `spec: ${p}`))
  return requirements
}

/** Validated cases in run order: by phase, then in the order of conformance/cases/index.ts. */
export function loadCases(
  cases: readonly CaseDefinition[] = ALL_CASES,
  requirements: readonly Requirement[] = specRequirements(),
): CaseDefinition[] {
  const problems = registryProblems(cases, requirements)
  if (problems.length > 0) throw new RegistryError(problems)
  return [...cases].sort((a, b) => (a.phase ?? PHASES.normal) - (b.phase ?? PHASES.normal))
}
