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
import { ANCHOR_ID, readRequirements, type Requirement, type Role } from './anchors.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export type CheckKind = 'vector' | 'unit-test' | 'conformance'

/** Which party's implementation a check judges: 'both' for vectors and shared code. */
export type CheckedParty = Exclude<Role, 'both'> | 'both'

export interface Citation {
  readonly anchor: string
  readonly kind: CheckKind
  readonly where: string
  readonly party: CheckedParty
}

/**
 * The party a citing file checks: client-mode cases (conformance/client/) and the reference
 * client's tests judge clients; server-mode cases and the reference device's tests judge devices;
 * vectors and the tests of shared code (protocol/, schemas/, ...) hold either party to them.
 */
export function partyOf(where: string): CheckedParty {
  // Relay mode plays both parties against the relay (§15), and a relay rule names whichever
  // party's stream it governs: its checks hold either party's side of the rule.
  if (where.startsWith('conformance/relay/') || where.startsWith('reference-relay/')) return 'both'
  if (where.startsWith('conformance/client/') || where.startsWith('reference-client/')) return 'client'
  if (where.startsWith('conformance/') || where.startsWith('reference-server/')) return 'device'
  return 'both'
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
        out.push({ anchor, kind: 'vector', where: `${relative(root, file)} tcId ${tcIds.join(',')}`, party: 'both' })
      }
      for (const test of group.tests ?? []) {
        for (const anchor of test.requirements ?? []) {
          out.push({ anchor, kind: 'vector', where: `${relative(root, file)} tcId ${test.tcId}`, party: 'both' })
          if (test.wire?.includes('device') === true) {
            const where = `${relative(root, file)} tcId ${test.tcId} replayed on the wire`
            out.push({ anchor, kind: 'conformance', where, party: 'device' })
          }
        }
      }
    }
  }
  return out
}

function sourceCitations(root: string): Citation[] {
  const out: Citation[] = []
  const isCase = (p: string): boolean =>
    (p.includes('/conformance/cases/') ||
      p.includes('/conformance/client/cases/') ||
      p.includes('/conformance/relay/cases/')) &&
    p.endsWith('.ts')
  const isTest = (p: string): boolean => p.endsWith('.test.ts') || p.endsWith('_test.py')
  const files = walk(root, (p) => (isCase(p) || isTest(p)) && !p.includes('/spec/'))
  for (const file of files) {
    const kind: CheckKind = isCase(file) ? 'conformance' : 'unit-test'
    const where = relative(root, file)
    for (const m of readFileSync(file, 'utf8').matchAll(ANCHOR_ID)) {
      out.push({ anchor: m[0], kind, where, party: partyOf(where) })
    }
  }
  return out
}

export interface CoverageReport {
  requirements: (Requirement & {
    checks: Citation[]
    where: CheckedWhere
    /** Where it is checked for each party it binds ('both': device and client). */
    byParty: Partial<Record<Party, CheckedWhere>>
  })[]
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
      const byParty: Partial<Record<Party, CheckedWhere>> = {}
      for (const party of partiesOf(r.role)) {
        byParty[party] = checkedWhere({ checks: checks.filter((c) => c.party === party || c.party === 'both') })
      }
      return { ...r, checks, where: checkedWhere({ checks }), byParty }
    }),
    unknownCitations: citations.filter((c) => !known.has(c.anchor)),
    specProblems: problems,
  }
}

export type Party = 'device' | 'client'
export const PARTIES: readonly Party[] = ['device', 'client']

/** The parties a requirement binds: a 'both' requirement is counted, and checked, for each. */
export function partiesOf(role: Role): Party[] {
  return role === 'both' ? ['device', 'client'] : [role]
}

type Checked = CoverageReport['requirements'][number]

/** The requirements that bind `party`, each with where it is checked for that party. */
function forParty(report: CoverageReport, party: Party, level: string) {
  return report.requirements
    .filter((r) => r.level === level && r.byParty[party] !== undefined)
    .map((r) => ({ r, where: r.byParty[party]! }))
}

function summaryLine(report: CoverageReport, level: 'MUST' | 'SHOULD', party: Party): string {
  const all = forParty(report, party, level)
  const checked = all.filter((x) => x.where !== 'unchecked')
  return `${party}: ${checked.length} of ${all.length} ${level} requirements checked`
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

function whereLine(report: CoverageReport, level: 'MUST' | 'SHOULD', party: Party): string {
  const all = forParty(report, party, level)
  const count = (w: CheckedWhere) => all.filter((x) => x.where === w).length
  return `${party} ${level}: ${count('wire')} on the wire, ${count('vectors')} in vectors only, ` +
    `${count('unit-tests-only')} in unit tests only, ${count('unchecked')} unchecked`
}

function printReport(report: CoverageReport): void {
  for (const party of PARTIES) {
    console.log(`${party} requirements:`)
    for (const { r, where } of forParty(report, party, 'MUST').concat(forParty(report, party, 'SHOULD'), forParty(report, party, 'MAY'))) {
      const mine = r.checks.filter((c) => c.party === party || c.party === 'both')
      const kinds = [...new Set(mine.map((c) => c.kind))].join(', ')
      const mark = where === 'unchecked' ? 'UNCHECKED' : where === 'unit-tests-only' ? 'UNIT-ONLY' : 'checked  '
      console.log(`${mark} ${r.level.padEnd(6)} ${r.id}  ${where}: ${kinds}`)
    }
  }
  for (const p of report.specProblems) console.log(`spec problem: ${p}`)
  for (const c of report.unknownCitations) console.log(`unknown anchor cited: ${c.anchor} in ${c.where}`)
  for (const party of PARTIES) {
    console.log(summaryLine(report, 'MUST', party))
    console.log(summaryLine(report, 'SHOULD', party))
  }
  for (const party of PARTIES) {
    console.log(whereLine(report, 'MUST', party))
    console.log(whereLine(report, 'SHOULD', party))
  }
}

/**
 * The MUST requirements that nothing checks for a party they bind: a client requirement needs a
 * client-mode case, a client test or a vector; a 'both' requirement a check for each party.
 */
export function uncheckedMusts(report: CoverageReport): (Checked & { party: Party })[] {
  return report.requirements.flatMap((r) =>
    r.level !== 'MUST'
      ? []
      : partiesOf(r.role).filter((p) => r.byParty[p] === 'unchecked').map((party) => ({ ...r, party })),
  )
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  const report = coverage()
  const allMust = process.argv.includes('--all-must')
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2))
  else printReport(report)
  const unchecked = uncheckedMusts(report)
  if (allMust && unchecked.length > 0) {
    console.error(`--all-must: ${unchecked.length} MUST requirements have no vector, test or case:`)
    for (const r of unchecked) console.error(`  ${r.party}: ${r.id}  (${r.file}:${r.line})`)
  }
  const failed =
    report.unknownCitations.length > 0 ||
    report.specProblems.length > 0 ||
    report.requirements.length === 0 ||
    (allMust && unchecked.length > 0)
  // exitCode, not exit(): a large --json report written to a pipe must be flushed first.
  process.exitCode = failed ? 1 : 0
}
