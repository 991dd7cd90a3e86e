/**
 * `npm run bench:bundle`: the size of the browser client (reference-client/index.ts bundled by
 * esbuild for browsers, minified, gzip level 9), with the message validators compiled at build
 * time (schemas/message-validators.ts) against the same bundle with the validators compiled by
 * ajv at load time as before issue 19, and the ratio of the two. A size, not a timing: one run.
 */
import { formatSize, measureClientBundle } from '../reference-client/browser/bundle.ts'

const before = await measureClientBundle(true)
const after = await measureClientBundle(false)
console.log(formatSize(before))
console.log(formatSize(after))
const ratio = (a: number, b: number): string => (a / b).toFixed(2)
console.log(
  `build-time / run-time validators: minified ${ratio(after.minified, before.minified)}, ` +
    `gzipped ${ratio(after.gzipped, before.gzipped)}`,
)
