/** Successful answers of the device: a JSON body (spec §2) or no content. Never cached. */
import type { ServerResponse } from 'node:http'
import { JSON_MEDIA_TYPE } from './body.ts'

/**
 * Sends `body` as JSON, or `fallback` when `body` cannot be serialized (a JSON-RPC echo of params
 * nested thousands deep overflows JSON.stringify's stack: spec §8.9 answers it -32603, not 500).
 */
export function sendJson(res: ServerResponse, status: number, body: object, fallback?: object): void {
  let text: string
  try {
    text = JSON.stringify(body)
  } catch (error) {
    if (fallback === undefined) throw error
    text = JSON.stringify(fallback)
  }
  res.writeHead(status, {
    'content-type': JSON_MEDIA_TYPE,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, { 'cache-control': 'no-store' })
  res.end()
}
