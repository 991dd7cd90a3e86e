/**
 * validateMessage: the version rule of spec §2 (an integer `v` other than a supported one is
 * unsupported-version, checked before the schema; everything else malformed), readable errors,
 * and strict ajv compiling every generated document as is.
 */
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import t from 'tap'
import { renderAll } from './generate.ts'
import { SAMPLES } from './src/samples.ts'
import { compileValidators } from './compile.ts'
import { isMessageName, validateMessage } from './validate.ts'

t.test('a valid message comes back as the same value, typed', async (t) => {
  const input = SAMPLES['pair-finish-request'].valid
  const result = validateMessage('pair-finish-request', input)
  t.ok(result.ok)
  if (result.ok) t.equal(result.value.cA, input.cA)
})

t.test('an integer v other than 1 is unsupported-version whatever the rest', async (t) => {
  const result = validateMessage('pair-start-request', { v: 2, anything: true })
  t.same(result, {
    ok: false,
    reason: 'unsupported-version',
    errors: 'pair-start-request/v 2 is not supported',
  })
})

t.test('failures name the message, the member path and the unknown member', async (t) => {
  const extra = validateMessage('ticket-request', { v: 1, nonce: 'x' })
  t.same(extra, {
    ok: false,
    reason: 'malformed',
    errors: 'ticket-request must NOT have additional properties (nonce)',
  })
  const limits = { ...SAMPLES.discovery.valid.limits, skew: 0 }
  const nested = validateMessage('discovery', { ...SAMPLES.discovery.valid, limits })
  t.same(nested, { ok: false, reason: 'malformed', errors: 'discovery/limits/skew must be >= 1' })
})

t.test('JSON-RPC objects carry no v, so v is just an unknown member there', async (t) => {
  const request = { ...SAMPLES['jsonrpc-request'].valid, v: 2 }
  const result = validateMessage('jsonrpc-request', request)
  t.equal(result.ok ? 'ok' : result.reason, 'malformed')
})

t.test('isMessageName knows exactly the registered names', async (t) => {
  t.ok(isMessageName('discovery'))
  t.ok(isMessageName('jsonrpc-response'))
  t.notOk(isMessageName('toString'))
  t.notOk(isMessageName('pair-start'))
})

t.test('strict ajv compiles every generated document without extra keywords', async (t) => {
  const ajv = new Ajv2020({ strict: true, allErrors: false })
  for (const [file, text] of renderAll()) {
    t.doesNotThrow(() => ajv.compile(JSON.parse(text) as object), file)
  }
  t.throws(() => compileValidators({ bad: { type: 'string', minimum: 1 } }), /strict mode/)
})

/** The specifiers `file` imports statically, and those of its relative imports, recursively. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const specifiers = new Set<string>()
  if (seen.has(file)) return specifiers
  seen.add(file)
  const source = readFileSync(file, 'utf8')
  // `import ... from '...'` and `export ... from '...'`, possibly over several lines; dynamic
  // imports (the Node crypto backend's guarded one) are not static and are not followed.
  const staticImport = /^(?:import|export)\s[^'"]*?\sfrom\s+'([^']+)'/gm
  for (const [, specifier] of source.matchAll(staticImport)) {
    specifiers.add(specifier!)
    if (specifier!.startsWith('.')) {
      for (const s of staticImports(resolve(dirname(file), specifier!), seen)) specifiers.add(s)
    }
  }
  return specifiers
}

t.test('validate.ts reaches no Node built-in, so browsers can bundle it', async (t) => {
  const specifiers = staticImports(fileURLToPath(new URL('./validate.ts', import.meta.url)))
  t.ok(specifiers.has('@noble/hashes/sha2.js'), 'the graph was followed into protocol/')
  const builtins = new Set(builtinModules)
  const nodeOnly = [...specifiers].filter((s) => s.startsWith('node:') || builtins.has(s))
  t.same(nodeOnly, [])
})
