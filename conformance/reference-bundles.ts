/**
 * One esbuild bundle per reference program started as a child process from the sources (the
 * reference device, client and relay, and the bench's baselines): `node BUNDLE` in place of
 * `node --import tsx SOURCE`. tsx starts a loader and transpiles every module of a child on each
 * start, about a second of CPU per child; the fault self-tests start dozens of devices and client
 * mode starts the client adapter ~150 times, so that second was most of their run time.
 *
 * The bundles are built from the sources, not from dist/ (tests run the sources), and cached in
 * dist/<folder>/bundle/<name>.mjs beside a manifest of the SHA-256 of every source file that went
 * in (and of package-lock.json for the packages bundled from node_modules): a bundle is rebuilt
 * when one of them changed, so a test never starts a child older than the tree it tests. Built
 * with buildSync, once per process (memoized): every caller stays synchronous.
 *
 * The harness only names these files as entry points for esbuild; it never imports them (spec
 * §14: it judges the reference implementations over the wire like any other).
 *
 *   tsx conformance/reference-bundles.ts   (`npm run build:adapter`) builds every bundle
 */
import { buildSync } from 'esbuild'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from './package-root.ts'

/** The programs bundled by `npm run build:adapter`; bundleOf takes any other entry too. */
export const REFERENCE_ENTRIES = {
  server: 'reference-server/cli.ts',
  client: 'reference-client/cli.ts',
  relay: 'reference-relay/cli.ts',
} as const

const LOCKFILE = 'package-lock.json'

/** dist/<folder of the entry>/bundle/<name>.mjs: at the depth of the entry's own build output,
 * so paths the program finds from import.meta.url (reference-server/http/browser-page.ts) hold. */
export function bundleFile(entry: string): string {
  return join(PACKAGE_ROOT, 'dist', dirname(entry), 'bundle', basename(entry).replace(/\.ts$/, '.mjs'))
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')

/** The manifest's inputs all still hash the same (node_modules stands for the lockfile). */
function fresh(outfile: string): boolean {
  const manifest = `${outfile}.inputs.json`
  if (!existsSync(outfile) || !existsSync(manifest)) return false
  try {
    const inputs = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>
    return Object.entries(inputs).every(([file, hash]) => {
      const path = join(PACKAGE_ROOT, file)
      return existsSync(path) && sha256(path) === hash
    })
  } catch {
    return false
  }
}

const built = new Map<string, string>()

/**
 * The bundle of `entry` (a path from the package root, e.g. reference-server/cli.ts), built now
 * when missing or older than its sources. Several test processes may build the same bundle at
 * once: each writes a file of its own and renames it into place, so none reads a half-written one.
 */
export function bundleOf(entry: string): string {
  const cached = built.get(entry)
  if (cached !== undefined) return cached
  const outfile = bundleFile(entry)
  if (!fresh(outfile)) {
    const result = buildSync({
      absWorkingDir: PACKAGE_ROOT,
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // ws's optional native add-ons; ws runs without them.
      external: ['bufferutil', 'utf-8-validate'],
      // CommonJS dependencies (ws, undici...) call require; an ESM bundle has none of its own.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'warning',
      metafile: true,
      write: false,
      outfile,
    })
    const inputs: Record<string, string> = { [LOCKFILE]: sha256(join(PACKAGE_ROOT, LOCKFILE)) }
    for (const file of Object.keys(result.metafile.inputs)) {
      if (!/(^|\/)node_modules\//.test(file)) inputs[file] = sha256(join(PACKAGE_ROOT, file))
    }
    mkdirSync(dirname(outfile), { recursive: true })
    const temp = `${outfile}.${process.pid}.tmp`
    writeFileSync(temp, result.outputFiles[0]!.contents)
    renameSync(temp, outfile)
    writeFileSync(`${temp}.json`, JSON.stringify(inputs, null, 1))
    renameSync(`${temp}.json`, `${outfile}.inputs.json`)
  }
  built.set(entry, outfile)
  return outfile
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const entry of Object.values(REFERENCE_ENTRIES)) bundleOf(entry)
}
