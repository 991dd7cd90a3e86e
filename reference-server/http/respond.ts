/** Successful answers of the device: a JSON body (spec §2) or no content. Never cached. */
import type { ServerResponse } from 'node:http'
import { JSON_MEDIA_TYPE } from './body.ts'

export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body)
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
