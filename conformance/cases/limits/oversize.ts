/**
 * Requests at and over the advertised max_body (spec §10.2), shared by the §4.3 and §10 cases:
 * a request head that announces more than max_body bytes and sends none of them, and a chunked
 * body that keeps coming past max_body. The harness reads the device's answer on a raw connection
 * (drivers/raw-http.ts), since the point is what the device answers before the body is complete.
 */
import { PATHS } from '../../../protocol/registry.ts'
import { pace, summarize, type HttpResponse } from '../../drivers/http.ts'
import { hostOf, RawConnection } from '../../drivers/raw-http.ts'
import type { CaseContext } from '../../model.ts'
import { failCase } from '../../verdicts.ts'

const CHUNK_BYTES = 16 * 1024

async function open(ctx: CaseContext): Promise<RawConnection> {
  await pace(ctx)
  try {
    const connection = await RawConnection.open(ctx.target.url, ctx.timeoutMs)
    ctx.defer(() => connection.close())
    return connection
  } catch (error) {
    return failCase('cannot connect to the device', 'a TCP connection', (error as Error).message)
  }
}

export interface Announced {
  readonly length: number
  readonly path?: string
  readonly method?: string
  readonly contentType?: string
  /** More header lines, e.g. "expect: 100-continue". */
  readonly headers?: readonly string[]
}

function withDefaults(announced: Announced): Required<Announced> {
  return { path: PATHS.pairStart, method: 'POST', contentType: 'application/json', headers: [], ...announced }
}

/** A request head announcing `length` body bytes, none of them sent; the connection stays open. */
export async function holdBody(ctx: CaseContext, announced: Announced): Promise<RawConnection> {
  const connection = await open(ctx)
  const { length, path, method, contentType, headers: more } = withDefaults(announced)
  const headers = [`content-type: ${contentType}`, `content-length: ${length}`, ...more]
  await connection.writeHead({ method, path, headers }, hostOf(ctx.target.url))
  return connection
}

/** Announces `length` body bytes and sends none; the answer, if one came in time. */
export async function announceBody(
  ctx: CaseContext,
  announced: Announced,
): Promise<HttpResponse | undefined> {
  const connection = await holdBody(ctx, announced)
  const res = await connection.waitResponse(ctx.timeoutMs)
  connection.close()
  const { length, path, method, contentType } = withDefaults(announced)
  ctx.record({
    step: `${method} ${path} (${contentType}) with Content-Length ${length}, body withheld`,
    sent: { 'content-length': length, 'body bytes sent': 0, headers: announced.headers ?? [] },
    actual: res === undefined ? `no answer within ${ctx.timeoutMs} ms` : summarize(res),
  })
  return res
}

/**
 * POST `path` with a chunked body of `length` bytes of JSON whitespace, without the last (empty)
 * chunk, then waits for the answer. The harness stops writing once it sent its bytes, so that a
 * device closing the connection after its answer cannot reset a write in progress.
 */
export async function streamChunked(
  ctx: CaseContext,
  length: number,
  path: string = PATHS.pairStart,
): Promise<HttpResponse | undefined> {
  const connection = await open(ctx)
  const headers = ['content-type: application/json', 'transfer-encoding: chunked']
  await connection.writeHead({ method: 'POST', path, headers }, hostOf(ctx.target.url))
  let sent = 0
  while (sent < length && connection.response() === undefined && !connection.isClosed) {
    const size = Math.min(CHUNK_BYTES, length - sent)
    const head = Buffer.from(`${size.toString(16)}\r\n`)
    const chunk = Buffer.concat([head, Buffer.alloc(size, 0x20), Buffer.from('\r\n')])
    if (!(await connection.write(chunk))) break
    sent += size
  }
  const res = await connection.waitResponse(ctx.timeoutMs)
  ctx.record({
    step: `POST ${path} with a chunked body of ${length} bytes, final chunk withheld`,
    sent: { 'transfer-encoding': 'chunked', 'body bytes sent': sent },
    actual: res === undefined ? `no answer within ${ctx.timeoutMs} ms` : summarize(res),
  })
  return res
}
