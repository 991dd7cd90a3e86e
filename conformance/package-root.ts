/**
 * The Pairwire package's root directory, found from this module whether it runs from the sources
 * (conformance/), from the build (dist/conformance/) or installed from its own package
 * (node_modules/pairwire-conformance/conformance/, packaging/packages.ts): the harness reads the
 * package's version, spec/ and vectors/ at run time, and they live at the root, not beside the build.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The repository's root package, and the harness's own package (whose name is its bin's).
const ROOT_NAMES = ['pairwire', 'pairwire-conformance']

function findRoot(): string {
  for (const up of ['..', '../..']) {
    const dir = fileURLToPath(new URL(up, import.meta.url))
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) continue
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string }
    if (ROOT_NAMES.includes(pkg.name ?? '') && pkg.version !== undefined) return dir
  }
  throw new Error('pairwire-conformance: the pairwire package root (package.json) was not found')
}

export const PACKAGE_ROOT = findRoot()

export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version
