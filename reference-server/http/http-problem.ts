/**
 * The one way an HTTP handler refuses a request: it throws an HttpProblem naming a registry
 * entry, and the request listener (app.ts) answers it with sendProblem. `closeConnection` is set
 * when the request body was not read (spec §10: 413 before reading, 415, 503), so that Node does
 * not read and discard an unwanted body just to keep the connection alive.
 */
import type { ProblemEntry } from '../../protocol/registry.ts'
import type { ProblemOptions } from '../problem.ts'

export interface HttpProblemOptions extends ProblemOptions {
  closeConnection?: boolean
  /** Extra response fields, e.g. Allow on 405. */
  headers?: Record<string, string>
}

export class HttpProblem extends Error {
  readonly entry: ProblemEntry
  readonly options: HttpProblemOptions

  constructor(entry: ProblemEntry, options: HttpProblemOptions = {}) {
    super(entry.name)
    this.name = 'HttpProblem'
    this.entry = entry
    this.options = options
  }
}
