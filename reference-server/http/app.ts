/**
 * The HTTP request listener of the device: per-IP rate limit on every request (spec §10), route,
 * handle, and answer every refusal as problem+json from the registry. Errors are answered in this
 * one place: an HttpProblem with its own entry, an unreachable store with 503 store-unavailable
 * (fail closed, spec §8.7), and anything else, which is a bug, with 500 internal-error, logged;
 * the process never crashes on a request.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { PATHS, PROBLEMS } from '../../protocol/registry.ts'
import { rejectUpgrade, sendProblem } from '../problem.ts'
import { StoreUnavailableError } from '../store/index.ts'
import { clientsSelf, rpc, tickets } from './client-endpoints.ts'
import { addBrowserPage } from './browser-page.ts'
import type { HttpDeps } from './deps.ts'
import { discovery, testPin, testRevoke } from './device-endpoints.ts'
import { HttpProblem } from './http-problem.ts'
import { isLoopbackAddress } from './loopback.ts'
import { pairFinish, pairStart } from './pairing-endpoints.ts'
import { Router, type Exchange } from './router.ts'

/** The endpoints; test/pin and test/revoke exist only with the test interface on (spec §12.2). */
export function createRouter(deps: HttpDeps): Router {
  const router = new Router()
    .add('GET', PATHS.discovery, discovery(deps))
    .add('POST', PATHS.pairStart, pairStart(deps))
    .add('POST', PATHS.pairFinish, pairFinish(deps))
    .add('POST', PATHS.tickets, tickets(deps))
    .add('POST', PATHS.rpc, rpc(deps))
    .add('DELETE', PATHS.clientsSelf, clientsSelf(deps))
    .add('GET', PATHS.websocket, notAnUpgrade)
  if (deps.ctx.browserPage !== undefined) addBrowserPage(router, deps.ctx.browserPage)
  if (!deps.ctx.testHooks) return router
  // Spec §12.1, §15.5: to a peer that is not loopback (a relayed stream) the paths do not exist.
  return router
    .add('POST', PATHS.testPin, testPin(deps), isLoopbackAddress)
    .add('POST', PATHS.testRevoke, testRevoke(deps), isLoopbackAddress)
}

/**
 * The session path answers only WebSocket upgrades (session/, spec §7.2); a GET without
 * Upgrade is refused as the gate refuses any request that is not a WebSocket handshake.
 */
const notAnUpgrade = async (): Promise<void> => {
  throw new HttpProblem(PROBLEMS.malformedRequest)
}

function answerError(deps: HttpDeps, ex: Exchange, error: unknown): void {
  const { res } = ex
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (error instanceof HttpProblem) {
    for (const [name, value] of Object.entries(error.options.headers ?? {})) {
      res.setHeader(name, value)
    }
    // A body left unread is never drained: the connection closes after the answer.
    if (error.options.closeConnection || !ex.req.complete) res.setHeader('connection', 'close')
    sendProblem(res, error.entry, error.options)
    return
  }
  if (!ex.req.complete) res.setHeader('connection', 'close')
  if (error instanceof StoreUnavailableError) {
    deps.ctx.log.warn('store.unavailable', { path: ex.req.url })
    sendProblem(res, PROBLEMS.storeUnavailable)
    return
  }
  const { name, message } = error instanceof Error ? error : { name: typeof error, message: '' }
  deps.ctx.log.error('http.internal-error', { path: ex.req.url, error: name, message })
  sendProblem(res, PROBLEMS.internalError)
}

function logRequest(deps: HttpDeps, ex: Exchange, startedMs: number): void {
  deps.ctx.log.info('http.request', {
    method: ex.req.method,
    path: ex.req.url,
    status: ex.res.statusCode,
    remote: ex.remote,
    ms: Date.now() - startedMs,
  })
}

const isHttp11 = (req: IncomingMessage): boolean => req.httpVersionMajor === 1 && req.httpVersionMinor >= 1

export function createRequestListener(deps: HttpDeps): RequestListener {
  const router = createRouter(deps)
  return (req: IncomingMessage, res: ServerResponse) => {
    const ex: Exchange = { req, res, remote: req.socket.remoteAddress ?? '' }
    const startedMs = Date.now()
    res.once('close', () => logRequest(deps, ex, startedMs))
    const handle = async () => {
      const decision = deps.ipLimiter?.take(ex.remote)
      if (decision?.allowed === false) {
        throw new HttpProblem(PROBLEMS.rateLimited, { retryAfter: decision.retryAfter })
      }
      // Spec §2.9 pw-conv-2.9-host-required, RFC 9112 §3.2: node's own bare 400 is switched off
      // (requireHostHeader: false in device.ts) so that the answer is a registered problem.
      if (isHttp11(req) && req.headers.host === undefined) throw new HttpProblem(PROBLEMS.malformedRequest)
      await router.resolve(req, ex.remote)(ex)
    }
    handle()
      .catch((error: unknown) => answerError(deps, ex, error))
      .catch(() => res.destroy())
  }
}

/**
 * Bytes node:http cannot take as a request (broken framing, an unknown method, a header block over
 * its limit, a body cut short, a request slower than the request timeout) never reach the
 * listener, and node would answer them with a bare 400, 431 or 408. Spec §2.6 makes every error
 * answer a problem, so the device answers 400 malformed-request itself, unless an answer has
 * already begun on the connection (node's own rule), and then closes the connection.
 */
export function createClientErrorListener(deps: HttpDeps) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    const remote = (socket as Socket).remoteAddress
    deps.ctx.log.info('http.client-error', { error: error.code ?? error.name, remote })
    // node:http keeps the connection's current response here; it has no public accessor.
    const current = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
    if (!socket.writable || current?.headersSent === true) {
      socket.destroy()
      return
    }
    socket.once('finish', () => socket.destroy())
    rejectUpgrade(socket, PROBLEMS.malformedRequest)
  }
}
