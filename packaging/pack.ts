/**
 * `npm run packages`: builds the tarballs of packaging/packages.ts from the same sources as the
 * root build, into dist/packages/ (the root dist/ stays as `npm run build` makes it).
 *
 *   1. tsc emits the entries and everything they import, with .d.ts, into dist/packages/emit/;
 *   2. each package gets the emitted modules its entries reach, its data files, its folder's
 *      README.md and the repository's LICENSE.md, under dist/packages/stage/<folder>/;
 *   3. imports of another package's modules are rewritten to that package's name, in .js and
 *      .d.ts alike (the sources keep their relative imports: the tree is one program);
 *   4. checks: the bare imports of the shipped modules are exactly the package's dependencies,
 *      at the root's versions; no test file, test-support/, .ci/ or source map ships;
 *   5. npm pack; prints each tarball's size and file count (also as JSON with --json).
 *
 * Why rewrite rather than bundle: the shipped modules stay one per source module, so stack
 * traces name the repository's files, the .d.ts are tsc's own (no bundler for types is in the
 * tree), and a consumer who installs client and server shares one protocol package. The one
 * bundle that earns its keep, the browser's, is issue 19 point 4's and plugs in as an export
 * condition (packages.ts).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PACKAGES, TEST_CODE, type PackageSpec } from './packages.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const OUT = join(ROOT, 'dist', 'packages')
const EMIT = join(OUT, 'emit')
const STAGE = join(OUT, 'stage')

interface Manifest {
  name: string
  version: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  publishConfig?: Record<string, unknown>
  exports?: Record<string, unknown>
  bin?: Record<string, string>
  [field: string]: unknown
}

export interface PackResult {
  readonly name: string
  readonly folder: string
  readonly tarball: string
  readonly size: number
  readonly unpackedSize: number
  readonly files: readonly string[]
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T

/** Every file under `dir` (repository-relative, posix), skipping node_modules and dotfiles. */
function listFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = posix.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listFiles(path))
    else out.push(path)
  }
  return out
}

function entriesOf(spec: PackageSpec): string[] {
  const listed = typeof spec.entries === 'function' ? listFiles(spec.folder).filter(spec.entries) : [...spec.entries]
  for (const optional of spec.conditional ?? []) {
    if (existsSync(join(ROOT, optional.entry))) listed.push(optional.entry)
  }
  return listed
}

function emit(entries: readonly string[]): void {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  const config = {
    extends: relative(OUT, join(ROOT, 'tsconfig.build.json')),
    compilerOptions: {
      declaration: true,
      // Emit only: `npm run check` type-checks the whole tree, and install.test.ts type-checks a
      // consumer against the shipped .d.ts. The emitted files are the same either way (3x faster).
      noCheck: true,
      sourceMap: false,
      rootDir: relative(OUT, ROOT),
      outDir: relative(OUT, EMIT),
    },
    files: entries.map((entry) => relative(OUT, join(ROOT, entry))),
  }
  const tsconfig = join(OUT, 'tsconfig.json')
  writeFileSync(tsconfig, JSON.stringify(config, null, 2))
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
    stdio: 'inherit',
  })
}

// import/export ... from 'x', import 'x', import('x'): the only forms tsc emits.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g

/** The module id (repository path without extension) a relative specifier names. */
function moduleId(fromId: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(fromId), specifier)).replace(/\.(js|ts|d\.ts)$/, '')
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

interface Owner {
  readonly spec: PackageSpec
  readonly manifest: Manifest
}

class PackError extends Error {}

function ownerOf(id: string, owners: readonly Owner[]): Owner | undefined {
  return owners.find((owner) => owner.spec.home.some((home) => id.startsWith(home)))
}

/** The name another package imports `id` by: its "./*" export maps onto the module's path. */
function externalSpecifier(id: string, owner: Owner): string {
  const exports = owner.manifest.publishConfig?.exports as Record<string, unknown> | undefined
  const pattern = exports?.['./*']
  if (typeof pattern !== 'string' || !pattern.endsWith('*')) {
    throw new PackError(`${owner.manifest.name} exports no "./*" pattern for ${id}`)
  }
  const inside = pattern.slice(2, -1) // "./protocol/*" -> "protocol/"
  if (!id.startsWith(inside)) throw new PackError(`${id} is outside ${owner.manifest.name}'s "./*" export`)
  return `${owner.manifest.name}/${id.slice(inside.length)}.js`
}

interface Staged {
  readonly files: Map<string, string>
  readonly bare: Set<string>
}

/** Follows the emitted imports from the entries; returns the files to ship, rewritten. */
function stageModules(self: Owner, owners: readonly Owner[], entries: readonly string[]): Staged {
  const files = new Map<string, string>()
  const bare = new Set<string>()
  const queue = entries.map((entry) => entry.replace(/\.ts$/, ''))
  const seen = new Set<string>()
  while (queue.length > 0) {
    const id = queue.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    if (TEST_CODE.test(id)) {
      throw new PackError(`${self.manifest.name} would ship ${id}: a module it offers imports test code`)
    }
    for (const ext of ['.js', '.d.ts']) {
      const path = join(EMIT, id + ext)
      const ship = ext === '.js' || self.spec.declarations !== false
      if (!existsSync(path)) throw new PackError(`${id}${ext} was not emitted`)
      const text = readFileSync(path, 'utf8').replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
        if (!specifier.startsWith('.')) {
          if (!isBuiltin(specifier)) bare.add(packageNameOf(specifier))
          return whole
        }
        const target = moduleId(id, specifier)
        const owner = ownerOf(target, owners)
        if (owner !== undefined && owner !== self) {
          if (self.spec.home.length === 0 || owner.spec.folder !== 'protocol') {
            throw new PackError(`${id} imports ${target}: only the protocol package is shared`)
          }
          const external = externalSpecifier(target, owner)
          bare.add(owner.manifest.name)
          return `${lead}${quote}${external}${quote}`
        }
        queue.push(target)
        // .d.ts keep the sources' .ts specifiers; a consumer resolves .js.
        return `${lead}${quote}${specifier.replace(/\.ts$/, '.js')}${quote}`
      })
      if (ship) files.set(id + ext, text)
    }
  }
  return { files, bare }
}

function checkDependencies(self: Owner, bare: ReadonlySet<string>, root: Manifest): void {
  const declared = self.manifest.dependencies ?? {}
  const missing = [...bare].filter((name) => !(name in declared)).sort()
  // @types/x is used when x is: the .d.ts of x's users need it.
  const used = (name: string) => bare.has(name) || (name.startsWith('@types/') && bare.has(name.slice(7)))
  const unused = Object.keys(declared).filter((name) => !used(name)).sort()
  const problems: string[] = []
  if (missing.length > 0) problems.push(`imports undeclared ${missing.join(', ')}`)
  if (unused.length > 0) problems.push(`declares unused ${unused.join(', ')} (drop it from ${self.spec.folder}/package.json)`)
  const versions = { ...root.devDependencies, ...root.dependencies }
  for (const [name, version] of Object.entries(declared)) {
    const sibling = name.startsWith('@pairwire/') || name === 'pairwire-conformance'
    const expected = sibling ? root.version : versions[name]
    if (version !== expected) problems.push(`${name}@${version}, the root has ${expected ?? 'none'}`)
  }
  if (problems.length > 0) throw new PackError(`${self.manifest.name}: ${problems.join('; ')}`)
}

function publishedManifest(self: Owner, spec: PackageSpec, root: Manifest, topLevel: string[]): Manifest {
  const { publishConfig, devDependencies: _dev, private: _private, ...fields } = self.manifest
  const manifest: Manifest = { ...fields, ...(publishConfig ?? {}) } as Manifest
  for (const optional of spec.conditional ?? []) {
    if (!existsSync(join(ROOT, optional.entry))) continue
    const target = (manifest.exports ?? {})[optional.exportPath] as Record<string, string> | undefined
    if (target === undefined) throw new PackError(`${manifest.name} has no export ${optional.exportPath}`)
    const { types, ...rest } = target
    const emitted = './' + optional.entry.replace(/\.ts$/, '.js')
    manifest.exports![optional.exportPath] = { ...(types === undefined ? {} : { types }), [optional.condition]: emitted, ...rest }
  }
  manifest.license ??= root.license
  // Node's engines for code only: the data package is for any language's tools.
  if (spec.home.length > 0) manifest.engines ??= root.engines
  manifest.files = topLevel
  return manifest
}

function copyData(spec: PackageSpec, files: Map<string, string | Buffer>): void {
  for (const { from, keep } of spec.data ?? []) {
    for (const file of listFiles(from.replace(/\/$/, '')).filter(keep)) files.set(file, readFileSync(join(ROOT, file)))
  }
}

const FORBIDDEN = [TEST_CODE, /\.map$/, /credentials\.json$/]

function stagePackage(self: Owner, owners: readonly Owner[], root: Manifest): PackResult {
  const dir = join(STAGE, self.spec.folder)
  const { files, bare } = stageModules(self, owners, entriesOf(self.spec))
  checkDependencies(self, bare, root)
  const all = new Map<string, string | Buffer>(files)
  copyData(self.spec, all)
  for (const path of all.keys()) {
    if (FORBIDDEN.some((pattern) => pattern.test(path))) throw new PackError(`${self.manifest.name} would ship ${path}`)
  }
  const readme = join(ROOT, self.spec.folder, 'README.md')
  if (!existsSync(readme)) throw new PackError(`${self.spec.folder}/README.md is missing`)
  for (const [path, content] of all) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  copyFileSync(readme, join(dir, 'README.md'))
  copyFileSync(join(ROOT, 'LICENSE.md'), join(dir, 'LICENSE.md'))
  const topLevel = [...new Set([...all.keys()].map((path) => path.split('/')[0] + '/'))].sort()
  const manifest = publishedManifest(self, self.spec, root, topLevel)
  for (const bin of Object.values(manifest.bin ?? {})) {
    const path = join(dir, bin)
    if (!existsSync(path) || !readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node')) {
      throw new PackError(`${manifest.name}: bin ${bin} is missing or has no #! line`)
    }
    chmodSync(path, 0o755)
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: dir, encoding: 'utf8' }),
  ) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[]
  const info = packed[0]!
  const shipped = info.files.map((file) => file.path)
  for (const path of shipped) {
    if (FORBIDDEN.some((pattern) => pattern.test(path))) throw new PackError(`${manifest.name} tarball holds ${path}`)
  }
  return {
    name: manifest.name,
    folder: self.spec.folder,
    tarball: join(OUT, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: shipped,
  }
}

/** Builds every package; resolves with their tarballs. */
export function packAll(options: { reuseEmit?: boolean } = {}): PackResult[] {
  const root = readJson<Manifest>(join(ROOT, 'package.json'))
  const owners: Owner[] = PACKAGES.map((spec) => ({
    spec,
    manifest: readJson<Manifest>(join(ROOT, spec.folder, 'package.json')),
  }))
  if (options.reuseEmit === true && existsSync(EMIT)) rmSync(STAGE, { recursive: true, force: true })
  else emit(PACKAGES.flatMap(entriesOf))
  return owners.map((owner) => stagePackage(owner, owners, root))
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

export function sizeTable(results: readonly PackResult[]): string {
  const rows = results.map((r) => `| ${r.name} | ${r.files.length} | ${kB(r.size)} | ${kB(r.unpackedSize)} |`)
  return ['| package | files | tarball | unpacked |', '|---|---:|---:|---:|', ...rows].join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    // --reuse-emit: keep dist/packages/emit/ from the last run (working on packages.ts only).
    const results = packAll({ reuseEmit: process.argv.includes('--reuse-emit') })
    if (process.argv.includes('--json')) console.log(JSON.stringify(results.map(({ files, ...r }) => ({ ...r, fileCount: files.length }))))
    else console.log(sizeTable(results))
  } catch (error) {
    if (!(error instanceof PackError)) throw error
    console.error(`packages: ${error.message}`)
    process.exit(1)
  }
}
