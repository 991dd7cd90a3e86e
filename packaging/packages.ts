/**
 * The packages built from this one source tree (issue 19 point 1), one per room of DESIGN.md §7.
 * Each workspace folder's package.json names the package, its dependencies and (under
 * publishConfig, as pnpm reads it) the fields that describe the tarball: exports and bin point
 * into the tarball's layout, which the folder itself does not have. The folder's manifest is
 * "private" so that `npm publish` there (TypeScript sources, no build) fails; pack.ts writes the
 * published manifest without it. Inside the repository nothing imports a package by its name: the
 * sources keep their relative imports, the tree stays one program. This table says what goes in:
 *
 * - `entries`: the modules the package offers; the tarball holds them and every module they
 *   import, found by following the emitted imports (so a test file or a dev script never ships
 *   unless an entry imports it, and pack.ts fails if one does).
 * - `data`: files copied as they are (spec text and vectors the harness reads at run time).
 *
 * Layout: a tarball mirrors the repository (`reference-client/index.js`, `schemas/validate.js`),
 * so the emitted relative imports between its own modules stay as tsc wrote them. A module under
 * another package's `home` is that package's: the import is rewritten to the package's name
 * (`../protocol/registry.js` becomes `@pairwire/protocol/registry.js`). A module under no home
 * (schemas/ code, spec/tools/) is copied into each package that imports it.
 *
 * Hook for the browser build (issue 19 point 4): when reference-client/browser.ts exists it is
 * an entry of the client, and the client's "." export gains a "browser" condition pointing at
 * its emitted module (see `conditional`). Build-time generated validator modules need nothing
 * here: once the client's modules import them instead of schemas/validate.ts, they ship in its
 * tarball by the import walk, and the dependency check of pack.ts then asks to drop ajv and
 * typebox from reference-client/package.json.
 */

export interface PackageSpec {
  /** The workspace folder holding the package.json. */
  readonly folder: string
  /** Source folders (with a trailing slash) whose modules belong to this package only. */
  readonly home: readonly string[]
  /** Source modules (.ts) the package offers, or a test picking them from a folder listing. */
  readonly entries: readonly string[] | ((file: string) => boolean)
  /** Repository files or folders (trailing slash) copied as they are, with a name filter. */
  readonly data?: readonly { readonly from: string; readonly keep: (file: string) => boolean }[]
  /** False for a package with a bin and no library: its .d.ts would only add weight. */
  readonly declarations?: false
  /** Exports added when an optional entry exists: [entry, export path, condition]. */
  readonly conditional?: readonly { readonly entry: string; readonly exportPath: string; readonly condition: string }[]
}

/**
 * Test code by the tree's naming: *.test.ts, test-fixture.ts, test-fake-*.ts, fixtures/ and
 * test-support/ (not every test-* name: conformance/drivers/test-device.ts is the harness's
 * device and cases/test-control/ checks spec §12).
 */
export const TEST_CODE = /(\.test(\.|$)|(^|\/)test-fixture(\.|$)|(^|\/)test-fake-[^/]*$|(^|\/)fixtures\/|^test-support\/|^\.ci\/)/

const isModule = (file: string) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !TEST_CODE.test(file)

// A JSON file of vectors/, not the workspace's own package.json.
const isVectorFile = (file: string) => file.endsWith('.json') && file !== 'vectors/package.json'

export const PACKAGES: readonly PackageSpec[] = [
  {
    folder: 'protocol',
    home: ['protocol/'],
    entries: (file) => file.startsWith('protocol/') && isModule(file),
  },
  {
    folder: 'reference-client',
    home: ['reference-client/'],
    entries: ['reference-client/index.ts', 'reference-client/credentials-file.ts', 'reference-client/cli.ts'],
    conditional: [{ entry: 'reference-client/browser.ts', exportPath: '.', condition: 'browser' }],
  },
  {
    folder: 'reference-server',
    // The relay ships with the device: it reuses the device's logger, gate and frame guard.
    home: ['reference-server/', 'reference-relay/'],
    entries: ['reference-server/device.ts', 'reference-server/cli.ts', 'reference-relay/cli.ts'],
  },
  {
    folder: 'conformance',
    home: ['conformance/'],
    entries: ['conformance/cli.ts'],
    declarations: false,
    data: [
      // conformance/registry.ts reads every spec/*.md for the anchors the cases check.
      { from: 'spec/', keep: (f) => /^spec\/[^/]+\.md$/.test(f) },
      // conformance/vectors/load.ts and the zaparoo-v1 cases replay these on the wire.
      { from: 'vectors/', keep: (f) => isVectorFile(f) && (/^vectors\/[^/]+$/.test(f) || f === 'vectors/external/zaparoo-v1-upstream.json') },
    ],
  },
  {
    folder: 'vectors',
    home: [],
    entries: [],
    data: [
      { from: 'vectors/', keep: (f) => (isVectorFile(f) || f.endsWith('README.md')) && !f.startsWith('vectors/examples/') },
      { from: 'schemas/', keep: (f) => /^schemas\/[^/]+\.schema\.json$/.test(f) },
    ],
  },
]
