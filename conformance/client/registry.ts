/**
 * The client-mode case registry: every case of conformance/client/cases/, checked against the
 * spec when loaded as server-mode cases are (conformance/registry.ts): unique `<section>-<slug>`
 * ids, an existing anchor of the same section and level, and, for client mode, an anchor that
 * binds clients (spec/README.md "Requirements").
 */
import { roleOf } from '../../spec/tools/anchors.ts'
import type { Requirement } from '../../spec/tools/anchors.ts'
import { RegistryError, registryProblems, specRequirements } from '../registry.ts'
import { clientCases } from './cases/index.ts'
import type { ClientCaseDefinition } from './model.ts'

export function clientRegistryProblems(
  cases: readonly ClientCaseDefinition[],
  requirements: readonly Requirement[],
): string[] {
  const problems = registryProblems(cases, requirements)
  const byId = new Map(requirements.map((r) => [r.id, r]))
  for (const c of cases) {
    const r = byId.get(c.requirement)
    if (r !== undefined && roleOf(r.text) === 'device') problems.push(`${c.id}: ${c.requirement} binds devices, not clients`)
  }
  return problems
}

export function loadClientCases(
  cases: readonly ClientCaseDefinition[] = clientCases,
  requirements: readonly Requirement[] = specRequirements(),
): ClientCaseDefinition[] {
  const problems = clientRegistryProblems(cases, requirements)
  if (problems.length > 0) throw new RegistryError(problems)
  return [...cases]
}
