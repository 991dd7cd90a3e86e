/**
 * Generates the tables of spec §11 (spec/11-registry.md) from protocol/registry.ts, so the spec
 * and the code share one registry and can never drift (DESIGN §3 "Errors"). Rewrites only the
 * region between the markers; `--check` exits 1 when the file would change (CI).
 *   npm run spec:registry [-- --check]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  CLOSES,
  LIMIT_DEFAULTS,
  PROBLEMS,
  RELAY_LIMIT_DEFAULTS,
  RPC_ERRORS,
  problemType,
} from '../../protocol/registry.ts'

const SPEC_FILE = new URL('../11-registry.md', import.meta.url)
const BEGIN = '<!-- BEGIN GENERATED: npm run spec:registry -->'
const END = '<!-- END GENERATED -->'

const cell = (text: string | number): string => String(text).replaceAll('|', '\\|')
const row = (cells: (string | number)[]): string => `| ${cells.map(cell).join(' | ')} |`

export function registryTables(): string {
  const lines: string[] = []
  lines.push('### 11.1 Problem types', '')
  lines.push(row(['type', 'status', 'title', 'meaning']), row(['---', '---', '---', '---']))
  for (const p of Object.values(PROBLEMS)) {
    lines.push(row([`\`${problemType(p)}\``, p.status, p.title, p.meaning]))
  }
  lines.push('', '### 11.2 WebSocket close codes', '')
  lines.push(row(['code', 'reason', 'meaning']), row(['---', '---', '---']))
  for (const c of Object.values(CLOSES)) lines.push(row([c.code, `\`${c.reason}\``, c.meaning]))
  lines.push('', '### 11.3 JSON-RPC error codes', '')
  lines.push(row(['code', 'message']), row(['---', '---']))
  for (const e of Object.values(RPC_ERRORS)) lines.push(row([e.code, e.message]))
  lines.push('', '### 11.4 Limit defaults', '')
  lines.push(row(['limit', 'default']), row(['---', '---']))
  for (const [name, value] of Object.entries(LIMIT_DEFAULTS)) lines.push(row([`\`${name}\``, value]))
  lines.push('', '### 11.5 Relay limit defaults (§15.7)', '')
  lines.push(row(['limit', 'default']), row(['---', '---']))
  for (const [name, value] of Object.entries(RELAY_LIMIT_DEFAULTS)) lines.push(row([`\`${name}\``, value]))
  return lines.join('\n')
}

export function renderSpecFile(current: string): string {
  const start = current.indexOf(BEGIN)
  const end = current.indexOf(END)
  if (start < 0 || end < start) throw new Error(`${SPEC_FILE.pathname}: generation markers missing`)
  return current.slice(0, start + BEGIN.length) + '\n' + registryTables() + '\n' + current.slice(end)
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  const current = readFileSync(SPEC_FILE, 'utf8')
  const next = renderSpecFile(current)
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('spec/11-registry.md is out of date: run npm run spec:registry')
      process.exit(1)
    }
  } else if (next !== current) {
    writeFileSync(SPEC_FILE, next)
  }
}
