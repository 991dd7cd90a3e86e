/**
 * `npm run vectors`: writes vectors/pairing.json, session.json and signing.json from the protocol
 * core and fixed inputs, and the counts table of vectors/README.md between its generated markers.
 * `npm run vectors -- --check` writes nothing and exits 1 naming every file that would change
 * (CI runs it). The output is deterministic: no clock, no random numbers, the @noble backend.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pairingUriVectors } from './pairing-uri-vectors.ts'
import { pairingVectors } from './pairing-vectors.ts'
import { relayVectors } from './relay-vectors.ts'
import { sessionVectors } from './session-vectors.ts'
import { signingVectors } from './signing-vectors.ts'
import { renderVectorFile } from './vector-file.ts'

export const VECTORS_DIR = fileURLToPath(new URL('.', import.meta.url))
export const README = 'README.md'
export const BEGIN_MARKER = '<!-- BEGIN GENERATED: npm run vectors -->'
export const END_MARKER = '<!-- END GENERATED -->'

interface CountedFile {
  testGroups: { type: string; tests: { result: string }[] }[]
}

let generated: Map<string, CountedFile> | null = null

/**
 * The generated vector files: file name in vectors/ -> the file's JSON value. They depend on
 * nothing but the code, so one process computes them once.
 */
export function vectorFiles(): ReadonlyMap<string, CountedFile> {
  generated ??= new Map<string, CountedFile>([
    ['pairing.json', pairingVectors()],
    ['session.json', sessionVectors()],
    ['signing.json', signingVectors()],
    ['pairing-uri.json', pairingUriVectors()],
    ['relay.json', relayVectors()],
  ])
  return generated
}

function countRow(file: string, type: string, results: string[]): string {
  const valid = results.filter((r) => r === 'valid').length
  return `| ${file} | ${type} | ${results.length} | ${valid} | ${results.length - valid} |`
}

/** The Markdown table of vector counts per file and test group type. */
export function countsTable(files: ReadonlyMap<string, CountedFile>): string {
  const rows = ['| file | test group type | tests | valid | invalid |', '|---|---|---:|---:|---:|']
  for (const [file, doc] of files) {
    const byType = new Map<string, string[]>()
    for (const group of doc.testGroups) {
      const results = byType.get(group.type) ?? []
      results.push(...group.tests.map((t) => t.result))
      byType.set(group.type, results)
    }
    for (const [type, results] of byType) rows.push(countRow(file, type, results))
    rows.push(countRow(`**${file}**`, '**all**', [...byType.values()].flat()))
  }
  return rows.join('\n')
}

/** `readme` with the text between the markers replaced by the counts table. */
export function withCounts(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN_MARKER)
  const end = readme.indexOf(END_MARKER)
  if (begin === -1 || end < begin) throw new Error(`vectors/${README} lacks the generated markers`)
  return readme.slice(0, begin + BEGIN_MARKER.length) + '\n' + table + '\n' + readme.slice(end)
}

/** Every file the generator owns: name in vectors/ -> its exact contents. */
export function renderAll(readme: string): Map<string, string> {
  const files = vectorFiles()
  const out = new Map<string, string>()
  for (const [name, doc] of files) out.set(name, renderVectorFile(doc))
  out.set(README, withCounts(readme, countsTable(files)))
  return out
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

/** The files that are missing or differ from the generator's output. */
export function changedFiles(dir: string = VECTORS_DIR): Map<string, string> {
  const readme = readOrNull(join(dir, README))
  if (readme === null) throw new Error(`vectors/${README} is missing`)
  const changed = new Map<string, string>()
  for (const [name, text] of renderAll(readme)) {
    if (readOrNull(join(dir, name)) !== text) changed.set(name, text)
  }
  return changed
}

/** The CLI: regenerate `dir`, or with --check only report; returns the exit code. */
export function run(
  argv: readonly string[],
  dir: string = VECTORS_DIR,
  log: (line: string) => void = console.error,
): number {
  const changed = changedFiles(dir)
  if (argv.includes('--check')) {
    for (const name of changed.keys()) log(`vectors/${name} is missing or out of date`)
    if (changed.size > 0) log('run `npm run vectors` and commit the result')
    return changed.size === 0 ? 0 : 1
  }
  for (const [name, text] of changed) writeFileSync(join(dir, name), text)
  log(`vectors: ${changed.size} files changed`)
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = run(process.argv.slice(2))
}
