/**
 * The browser page (issue 19), served only with --browser-page: GET / and its three files, built by
 * `npm run build:browser` (reference-client/browser/bundle.ts) and read once at start-up. Every
 * answer carries a strict Content-Security-Policy: scripts only from this origin, no inline
 * script and no eval (no 'unsafe-inline', no 'unsafe-eval'), connections only to this origin,
 * nothing framed; the page works under it because its validators were compiled at build time.
 * Not part of the protocol: a device without the flag answers these paths 404 like any other.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Router } from './router.ts'

/** The policy of every page answer (CSP Level 3 directives). */
export const BROWSER_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
  '/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
} as const

/** The page's files are missing: the page was not built. */
export class BrowserPageError extends Error {}

export interface BrowserPage {
  readonly files: ReadonlyMap<string, { readonly type: string; readonly body: Buffer }>
}

/** dist/browser of this package, whether running from the sources (tsx) or from dist/. */
export function defaultBrowserPageDir(): string {
  const here = fileURLToPath(import.meta.url)
  const fromDist = /[/\\]dist[/\\]reference-server[/\\]/.test(here)
  return fileURLToPath(new URL(fromDist ? '../../browser/' : '../../dist/browser/', import.meta.url))
}

/** Reads the page's files from `dir`; throws naming the build command when one is missing. */
export function loadBrowserPage(dir: string): BrowserPage {
  const files = new Map<string, { type: string; body: Buffer }>()
  for (const [path, { file, type }] of Object.entries(FILES)) {
    try {
      files.set(path, { type, body: readFileSync(join(dir, file)) })
    } catch {
      throw new BrowserPageError(`the browser page has no ${join(dir, file)}: run npm run build:browser`)
    }
  }
  return { files }
}

export function addBrowserPage(router: Router, page: BrowserPage): Router {
  for (const [path, { type, body }] of page.files) {
    router.add('GET', path, async ({ res }) => {
      res.writeHead(200, {
        'content-type': type,
        'content-length': body.length,
        'content-security-policy': BROWSER_PAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      })
      res.end(body)
    })
  }
  return router
}
