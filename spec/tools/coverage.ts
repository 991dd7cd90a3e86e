/**
 * Spec coverage (spec §14): lists every anchored requirement of spec/ and what checks it — a
 * vector file (with the tcIds that cite it), a unit test, or a conformance case — and prints
 * "N of M MUST requirements checked". Exits 1 when a file cites an anchor the spec does not
 * define, when the spec's anchors are malformed, or (with --all-must) when a MUST is unchecked.
 *   npm run spec:coverage [-- --all-must] [-- --json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ANCHOR_ID, readRequirements, type Requirement } from './anchors.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export type CheckKind = 'vector' | 'unit-test' | 'conformance'

export interface Citation {
  readonly anchor: string
  readonly kind: CheckKind
  readonly where: string
}

function walk(dir: string, keep: (path: string) => boolean): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const out: string[] = []
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...walk(path, keep))
    else if (keep(path)) out.push(path)
  }
  return out
}

/**
 * Vector files cite anchors per test group or test: `"requirements": [...]` next to tcIds. A test
 * marked `"wire": ["device"]` is also replayed on the wire by the harness (conformance/vectors/),
 * so the anchors it cites itself are checked by a conformance case too.
 */
function vectorCitations(root: string): Citation[] {
  const out: Citation[] = []
  for (const file of walk(join(root, 'vectors'), (p) => p.endsWith('.json') && !p.includes('/external/'))) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { testGroups?: unknown[] }
    for (const group of (doc.testGroups ?? []) as { requirements?: string[]; tests?: { tcId: number; requirements?: string[]; wire?: string[] }[] }[]) {
      const tcIds = (group.tests ?? []).map((t) => t.tcId)
      for (const anchor of group.requirements ?? []) {
        out.push({ anchor, kind: 'vector', where: `${relative(root, file)} tcId ${tcIds.join(',')}` })
      }
      for (const test of group.tests ?? []) {
        for (const anchor of test.requirements ?? []) {
          out.push({ anchor, kind: 'vector', where: `${relative(root, file)} tcId ${test.tcId}` })
          if (test.wire?.includes('device') === true) {
            out.push({ anchor, kind: 'conformance', where: `${relative(root, file)} tcId ${test.tcId} replayed on the wire` })
          }
        }
      }
    }
  }
  return out
}

function sourceCitations(root: string): Citation[] {
  const out: Citation[] = []
  const isCase = (p: string): boolean => (p.includes('/conformance/cases/') || p.includes('/conformance/relay/cases/')) && p.endsWith('.ts')
  const isTest = (p: string): boolean => p.endsWith('.test.ts') || p.endsWith('_test.py')
  const files = walk(root, (p) => (isCase(p) || isTest(p)) && !p.includes('/spec/'))
  for (const file of files) {
    const kind: CheckKind = isCase(file) ? 'conformance' : 'unit-test'
    for (const m of readFileSync(file, 'utf8').matchAll(ANCHOR_ID)) {
      out.push({ anchor: m[0], kind, where: relative(root, file) })
    }
  }
  return out
}

export interface CoverageReport {
  requirements: (Requirement & { checks: Citation[]; where: CheckedWhere })[]
  unknownCitations: Citation[]
  specProblems: string[]
}

export function coverage(root: string = ROOT): CoverageReport {
  const { requirements, problems } = readRequirements(join(root, 'spec'))
  const citations = [...vectorCitations(root), ...sourceCitations(root)]
  const known = new Set(requirements.map((r) => r.id))
  return {
    requirements: requirements.map((r) => {
      const checks = citations.filter((c) => c.anchor === r.id)
      return { ...r, checks, where: checkedWhere({ checks }) }
    }),
    unknownCitations: citations.filter((c) => !known.has(c.anchor)),
    specProblems: problems,
  }
}

function summaryLine(report: CoverageReport, level: 'MUST' | 'SHOULD'): string {
  const all = report.requirements.filter((r) => r.level === level)
  const checked = all.filter((r) => r.checks.length > 0)
  return `${checked.length} of ${all.length} ${level} requirements checked`
}

/**
 * Where a requirement is checked, strongest first: on the wire (a conformance case judges a
 * device), in vectors (an implementation must recompute them), or only by this repository's unit
 * tests, which judge the reference code and nothing else; a rule checked only there is visible.
 */
export type CheckedWhere = 'wire' | 'vectors' | 'unit-tests-only' | 'unchecked'

export function checkedWhere(r: { checks: readonly Citation[] }): CheckedWhere {
  const kinds = new Set(r.checks.map((c) => c.kind))
  if (kinds.has('conformance')) return 'wire'
  if (kinds.has('vector')) return 'vectors'
  return kinds.has('unit-test') ? 'unit-tests-only' : 'unchecked'
}

function whereLine(report: CoverageReport, level: 'MUST' | 'SHOULD'): string {
  const all = report.requirements.filter((r) => r.level === level)
  const count = (w: CheckedWhere) => all.filter((r) => checkedWhere(r) === w).length
  return `${level}: ${count('wire')} on the wire, ${count('vectors')} in vectors only, ` +
    `${count('unit-tests-only')} in unit tests only, ${count('unchecked')} unchecked`
}

function printReport(report: CoverageReport): void {
  for (const r of report.requirements) {
    const kinds = [...new Set(r.checks.map((c) => c.kind))].join(', ')
    const where = checkedWhere(r)
    const mark = where === 'unchecked' ? 'UNCHECKED' : where === 'unit-tests-only' ? 'UNIT-ONLY' : 'checked  '
    console.log(`${mark} ${r.level.padEnd(6)} ${r.id}  ${where}: ${kinds}`)
  }
  for (const p of report.specProblems) console.log(`spec problem: ${p}`)
  for (const c of report.unknownCitations) console.log(`unknown anchor cited: ${c.anchor} in ${c.where}`)
  console.log(summaryLine(report, 'MUST'))
  console.log(summaryLine(report, 'SHOULD'))
  console.log(whereLine(report, 'MUST'))
  console.log(whereLine(report, 'SHOULD'))
}

/** The MUST requirements that nothing checks. */
export function uncheckedMusts(report: CoverageReport): CoverageReport['requirements'] {
  return report.requirements.filter((r) => r.level === 'MUST' && r.checks.length === 0)
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  const report = coverage()
  const allMust = process.argv.includes('--all-must')
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2))
  else printReport(report)
  const unchecked = uncheckedMusts(report)
  if (allMust && unchecked.length > 0) {
    console.error(`--all-must: ${unchecked.length} MUST requirements have no vector, test or case:`)
    for (const r of unchecked) console.error(`  ${r.id}  (${r.file}:${r.line})`)
  }
  const failed =
    report.unknownCitations.length > 0 ||
    report.specProblems.length > 0 ||
    report.requirements.length === 0 ||
    (allMust && unchecked.length > 0)
  // exitCode, not exit(): a large --json report written to a pipe must be flushed first.
  process.exitCode = failed ? 1 : 0
}
