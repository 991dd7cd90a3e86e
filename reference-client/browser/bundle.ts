/**
 * Builds the browser client with esbuild: the library (reference-client/index.ts) and the page
 * the reference server serves with --browser-page (page.ts, index.html, page.css). Modules that
 * only Node reaches through a guarded dynamic import (the node:crypto backend, the `ws` socket
 * factory, undici) are replaced by a stub that throws if ever imported, so no Node code ships.
 * `npm run build:browser` writes dist/browser/ and prints the sizes, minified and gzipped.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Plugin } from 'esbuild'

const HERE = fileURLToPath(new URL('.', import.meta.url))
export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../../dist/browser/', import.meta.url))
/** The files of the page, as the server serves them (reference-server/http/browser-page.ts). */
export const PAGE_FILES = ['index.html', 'page.css', 'page.js', 'favicon.svg'] as const

// Import specifiers as written in platform.ts and protocol/crypto/index.ts.
const NODE_ONLY = /^(undici|ws|\.\/node\.ts|\.\/node-websocket\.ts)$/

const nodeOnlyStub: Plugin = {
  name: 'node-only-stub',
  setup(b) {
    b.onResolve({ filter: NODE_ONLY }, (args) => ({
      path: join(args.resolveDir, args.path),
      namespace: 'node-only',
    }))
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is Node-only`)})`,
      loader: 'js',
    }))
  },
}

export interface BundleSize {
  readonly name: string
  readonly minified: number
  readonly gzipped: number
  /** node_modules packages in the bundle, for the "no ajv, no TypeBox" check. */
  readonly packages: readonly string[]
}

/**
 * For the before/after figure of bench/bundle-size.ts only: puts back what schemas/validate.ts
 * did before issue 19, compiling the message schemas with ajv when the module loads (TypeBox and
 * ajv in the bundle, `new Function` at run time).
 */
const runtimeValidators: Plugin = {
  name: 'runtime-validators',
  setup(b) {
    b.onResolve({ filter: /\/message-validators\.ts$/ }, (args) => ({
      path: join(args.resolveDir, args.path),
      namespace: 'runtime-validators',
    }))
    b.onLoad({ filter: /.*/, namespace: 'runtime-validators' }, () => ({
      contents: [
        `import { Ajv2020 } from 'ajv/dist/2020.js'`,
        `import { schemaDocument } from ${JSON.stringify(join(HERE, '../../schemas/src/document.ts'))}`,
        `import { MESSAGE_SCHEMAS } from ${JSON.stringify(join(HERE, '../../schemas/src/messages.ts'))}`,
        `const ajv = new Ajv2020({ strict: true, allErrors: false })`,
        `export const MESSAGE_VALIDATORS = Object.fromEntries(Object.entries(MESSAGE_SCHEMAS).map(([n, s]) => [n, ajv.compile(schemaDocument(n, s))]))`,
        `export const VERSIONED_MESSAGES = []`,
      ].join('\n'),
      resolveDir: join(HERE, '../../schemas'),
      loader: 'ts',
    }))
  },
}

async function bundle(
  entry: string,
  name: string,
  extra: Plugin[] = [],
): Promise<{ code: Uint8Array; size: BundleSize }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    legalComments: 'none',
    plugins: [nodeOnlyStub, ...extra],
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  const packages = new Set<string>()
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (m) packages.add(m[1]!)
  }
  const size = { name, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, packages: [...packages].sort() }
  return { code, size }
}

/**
 * Bundles the library alone, for its size; nothing is written. `runtime` measures it as it was
 * before the validators were compiled at build time (see runtimeValidators).
 */
export async function measureClientBundle(runtime = false): Promise<BundleSize> {
  const name = runtime ? 'client library, run-time ajv' : 'client library'
  return (await bundle(join(HERE, '..', 'index.ts'), name, runtime ? [runtimeValidators] : [])).size
}

/** Writes the page (PAGE_FILES) into `outDir`; returns the bundle sizes. */
export async function buildBrowserPage(outDir = DEFAULT_OUT_DIR): Promise<BundleSize[]> {
  mkdirSync(outDir, { recursive: true })
  const page = await bundle(join(HERE, 'page.ts'), 'page')
  writeFileSync(join(outDir, 'page.js'), page.code)
  for (const file of PAGE_FILES) if (file !== 'page.js') copyFileSync(join(HERE, file), join(outDir, file))
  return [await measureClientBundle(), page.size]
}

export const formatSize = (s: BundleSize): string =>
  `${s.name}: ${(s.minified / 1024).toFixed(1)} kB minified, ${(s.gzipped / 1024).toFixed(1)} kB gzipped ` +
  `(${s.packages.join(', ')})`

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? DEFAULT_OUT_DIR
  for (const size of await buildBrowserPage(out)) console.log(formatSize(size))
  console.log(`browser page written to ${out}`)
}
