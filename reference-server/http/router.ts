/**
 * A minimal router: exact path + method → handler. The path is the request target without its
 * query. An unknown path is 404 not-found; a known path asked with another method is
 * 405 method-not-allowed with an Allow field listing the methods it has (RFC 9110 §15.5.6).
 * A path added for some peers only (test-control: loopback, spec §12.1) is an unknown path to
 * every other peer, whatever the method.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROBLEMS } from '../../protocol/registry.ts'
import { withoutQuery } from '../logs.ts'
import { HttpProblem } from './http-problem.ts'

export interface Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** The remote address of the TCP connection. */
  readonly remote: string
}

export type Handler = (exchange: Exchange) => Promise<void>

export class Router {
  readonly #routes = new Map<string, Map<string, Handler>>()
  readonly #servedTo = new Map<string, (remote: string) => boolean>()

  add(method: string, path: string, handler: Handler, servedTo?: (remote: string) => boolean): this {
    const methods = this.#routes.get(path) ?? new Map<string, Handler>()
    methods.set(method, handler)
    this.#routes.set(path, methods)
    if (servedTo !== undefined) this.#servedTo.set(path, servedTo)
    return this
  }

  /** The handler for a request from `remote`; throws HttpProblem 404 or 405. */
  resolve(req: IncomingMessage, remote: string): Handler {
    const path = withoutQuery(req.url ?? '')
    const methods = this.#routes.get(path)
    if (methods === undefined || this.#servedTo.get(path)?.(remote) === false) {
      throw new HttpProblem(PROBLEMS.notFound)
    }
    const handler = methods.get(req.method ?? '')
    if (handler !== undefined) return handler
    const allow = [...methods.keys()].join(', ')
    throw new HttpProblem(PROBLEMS.methodNotAllowed, { headers: { allow } })
  }
}
