import t from 'tap'
import { resolveFetch, resolveSocketFactory, type SocketFactory } from './platform.ts'
import { nodeSocketFactory } from './node-websocket.ts'

t.test('a given fetch or socket factory is used as is', async (t) => {
  const fetch = async () => new Response()
  t.equal(await resolveFetch(fetch), fetch)
  const factory: SocketFactory = () => {
    throw new Error('unused')
  }
  t.equal(await resolveSocketFactory(factory), factory)
})

t.test('without a global WebSocket, Node falls back to ws', async (t) => {
  t.equal(typeof (globalThis as { WebSocket?: unknown }).WebSocket, 'undefined', 'Node 20')
  t.equal(await resolveSocketFactory(), nodeSocketFactory)
})

t.test('the global fetch is used, and undici only when there is none', async (t) => {
  const global = globalThis as { fetch?: typeof fetch }
  const original = global.fetch
  t.teardown(() => void (global.fetch = original))
  t.type(await resolveFetch(), 'function')
  delete global.fetch
  const { fetch: undiciFetch } = await import('undici')
  t.equal(await resolveFetch(), undiciFetch)
})
