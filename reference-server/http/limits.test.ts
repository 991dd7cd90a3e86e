import { connect } from 'node:net'
import t from 'tap'
import { fetch } from 'undici'
import { PATHS, PROBLEMS, problemType } from '../../protocol/registry.ts'
import { expectProblem, postJson, rawExchange, startDevice } from './test-fixture.ts'

const MAX_BODY = 1024
const JSON_TYPE = { 'content-type': 'application/json' }

function head(path: string, fields: Record<string, string | number>): string {
  const lines = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1']
  for (const [name, value] of Object.entries(fields)) lines.push(`${name}: ${value}`)
  return lines.join('\r\n') + '\r\n\r\n'
}

function statusOf(answer: string): number {
  return Number(answer.split(' ')[1])
}

t.test('Content-Length > max_body: 413 answered before any body byte is sent', async (t) => {
  const device = await startDevice(t, { limits: { max_body: MAX_BODY } })
  const request = head(PATHS.pairStart, { ...JSON_TYPE, 'content-length': MAX_BODY + 1 })
  const answer = await rawExchange(device, request)
  t.equal(statusOf(answer), PROBLEMS.bodyTooLarge.status)
  t.match(answer, /\r\nconnection: close\r\n/i, 'closed instead of draining the body')
  t.ok(answer.includes(problemType(PROBLEMS.bodyTooLarge)))
})

t.test('a chunked body is cut at max_body: 413', async (t) => {
  const device = await startDevice(t, { limits: { max_body: MAX_BODY } })
  const request = head(PATHS.pairStart, { ...JSON_TYPE, 'transfer-encoding': 'chunked' })
  const chunk = 'x'.repeat(600)
  const body = `${(600).toString(16)}\r\n${chunk}\r\n`.repeat(2)
  const answer = await rawExchange(device, request + body)
  const refused = PROBLEMS.bodyTooLarge.status
  t.equal(statusOf(answer), refused, 'refused once 1200 > 1024 bytes arrived')
})

t.test('a body of exactly max_body is read', async (t) => {
  const device = await startDevice(t, { limits: { max_body: MAX_BODY } })
  const response = await postJson(device, PATHS.pairStart, { v: 1, pad: 'x'.repeat(MAX_BODY - 16) })
  await expectProblem(t, response, PROBLEMS.malformedRequest)
})

t.test('a body with another media type, or none, is 415', async (t) => {
  const device = await startDevice(t)
  for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
    const init = { method: 'POST', headers, body: '{"v":1}' }
    const response = await fetch(device.url + PATHS.pairStart, init)
    await expectProblem(t, response, PROBLEMS.unsupportedMediaType)
  }
})

t.test('per-IP rate limit: 429 rate-limited with Retry-After on every endpoint', async (t) => {
  const device = await startDevice(t, { limits: { rate_ip_per_minute: 3 } })
  for (let i = 0; i < 3; i++) {
    const response = await fetch(device.url + PATHS.discovery)
    t.equal(response.status, 200)
    await response.body?.cancel()
  }
  const limited = await fetch(device.url + '/unknown')
  await expectProblem(t, limited, PROBLEMS.rateLimited)
  t.equal(limited.headers.get('retry-after'), '20', 'one token every 20 s at 3 per minute')
})

/** Opens a request whose body is declared but not yet sent; resolves once the device holds it. */
async function holdRequest(url: string, length: number) {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.write(head(PATHS.pairStart, { ...JSON_TYPE, 'content-length': length }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  return socket
}

t.test('global in-flight byte budget: 503 overloaded while bodies are in flight', async (t) => {
  const limits = { max_body: MAX_BODY, max_inflight_bytes: 2 * MAX_BODY }
  const device = await startDevice(t, { limits })
  const held = [await holdRequest(device.url, MAX_BODY), await holdRequest(device.url, MAX_BODY)]
  t.teardown(() => held.forEach((s) => s.destroy()))
  const over = await postJson(device, PATHS.pairStart, { v: 1 })
  await expectProblem(t, over, PROBLEMS.overloaded)
  t.equal(over.headers.get('retry-after'), '1')
  held[0]!.destroy()
  await new Promise((resolve) => setTimeout(resolve, 100))
  const after = await postJson(device, PATHS.pairStart, { v: 1 })
  await expectProblem(t, after, PROBLEMS.malformedRequest)
  t.pass('a closed request returns its bytes to the budget')
})
