import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { CLOSES, LABELS, LIMIT_DEFAULTS, PROBLEMS, problemType } from './registry.ts'

const root = new URL('..', import.meta.url).pathname

t.test('problem types are unique, kebab-case and carry an HTTP error status', async (t) => {
  const names = Object.values(PROBLEMS).map((p) => p.name)
  t.equal(new Set(names).size, names.length, 'unique names')
  for (const p of Object.values(PROBLEMS)) {
    t.match(p.name, /^[a-z]+(-[a-z]+)*$/)
    t.ok(p.status >= 400 && p.status <= 599, `${p.name} status`)
    t.match(problemType(p), /^urn:pairwire:error:[a-z-]+$/)
  }
})

t.test('close codes are unique, RFC 6455 §7.4 private-range or standard, reasons short', async (t) => {
  const codes = Object.values(CLOSES).map((c) => c.code)
  t.equal(new Set(codes).size, codes.length, 'unique codes')
  for (const c of Object.values(CLOSES)) {
    t.ok((c.code >= 4000 && c.code <= 4999) || c.code === 1000 || c.code === 1001, c.name)
    t.ok(new TextEncoder().encode(c.reason).length <= 123, 'reason fits a close frame')
  }
  t.equal(CLOSES.deviceNotConnected.code, 4404, 'relay code fixed by DESIGN §3')
  t.equal(CLOSES.deviceReplaced.code, 4409, 'relay code fixed by DESIGN §3')
})

t.test('limit defaults match DESIGN §3', async (t) => {
  t.equal(LIMIT_DEFAULTS.pin_ttl, 120)
  t.ok(LIMIT_DEFAULTS.pin_ttl <= LIMIT_DEFAULTS.max_pin_ttl && LIMIT_DEFAULTS.max_pin_ttl <= 300)
  t.equal(LIMIT_DEFAULTS.max_pin_failures, 3)
  t.equal(LIMIT_DEFAULTS.pairing_ttl, 60)
  t.equal(LIMIT_DEFAULTS.ticket_ttl, 30)
  t.equal(LIMIT_DEFAULTS.skew, 30)
  t.equal(LIMIT_DEFAULTS.max_body, 1024 * 1024)
  t.equal(LIMIT_DEFAULTS.max_frame, 65535)
  t.equal(LIMIT_DEFAULTS.handshake_timeout, 10)
})

/** The text with block comments and whole-line `//` comments blanked out. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

/** Source files outside the registry that must import codes and labels instead of spelling them. */
function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

t.test('no close code, problem name or label literal outside the registry', async (t) => {
  const closeCodes = Object.values(CLOSES).filter((c) => c.code >= 4000).map((c) => c.code)
  const closeCodeRe = new RegExp(`\\b(${closeCodes.join('|')})\\b`)
  const labels = Object.values(LABELS).filter((l) => l.length >= 6)
  const dirs = ['protocol', 'reference-server', 'reference-client', 'conformance', 'schemas', 'vectors', 'reference-relay']
  let scanned = 0
  for (const dir of dirs) {
    let files: string[]
    try {
      files = sourceFiles(join(root, dir))
    } catch {
      continue
    }
    for (const file of files) {
      const rel = relative(root, file)
      if (rel === 'protocol/registry.ts') continue
      // Generated from the schemas, which take their values from the registry; a test keeps it
      // equal to the generator's output (schemas/message-validators.test.ts).
      if (rel === 'schemas/message-validators.ts') continue
      scanned++
      const text = readFileSync(file, 'utf8')
      // Comments may name a code, as the spec's prose does; code and strings may not.
      t.notMatch(withoutComments(text), closeCodeRe, `${rel}: no close code literal`)
      for (const label of labels) t.notOk(text.includes(`'${label}'`), `${rel}: no '${label}' literal`)
      t.notMatch(text, /urn:pairwire:error:[a-z]/, `${rel}: no problem type literal`)
    }
  }
  t.ok(scanned > 0, `scanned ${scanned} source files`)
})
