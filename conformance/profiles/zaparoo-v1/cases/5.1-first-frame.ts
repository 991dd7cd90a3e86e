/** Spec/profiles/zaparoo-v1.md §5.1: the first frame, -32001 and the plaintext policy. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../../package-root.ts'
import { fail, failCase, PASS } from '../../../verdicts.ts'
import type { ProfileCase } from '../context.ts'
import { pairClient } from '../pairing.ts'
import { connect, openSession } from '../socket.ts'

const CLOSE_WAIT_MS = 2000

/** Zaparoo's own WebSocket fixtures, replayed on the wire as upstream wrote them (§6). */
const UPSTREAM = join(PACKAGE_ROOT, 'vectors', 'external', 'zaparoo-v1-upstream.json')
const upstream = JSON.parse(readFileSync(UPSTREAM, 'utf8')) as {
  webSocketFixtures: {
    unsupportedVersionFrame: object
    unsupportedVersionAnswer: { code: number; supported: number[] }
    plaintextRequest: string
    plaintextRemoteAnswer: { code: number }
  }
}

export const firstFrame: ProfileCase = {
  id: '5.1-first-frame',
  level: 'MUST',
  requirement: 'zp-ws-5.1-first-frame',
  title: 'a first frame with a paired token opens a session and is answered at s2c 0',
  needsPin: true,
  async run(ctx) {
    await openSession(ctx, await pairClient(ctx))
    return PASS
  },
}

function errorOf(text: string | undefined): { code?: unknown; data?: { supported?: unknown } } | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { error?: { code?: unknown } }).error
  } catch {
    return undefined
  }
}

export const unsupportedVersion: ProfileCase = {
  id: '5.1-unsupported-version',
  level: 'MUST',
  requirement: 'zp-ws-5.1-unsupported-version',
  title: 'the upstream v 2 first frame gets plaintext -32001 with supported [1], then a close',
  async run(ctx) {
    const socket = await connect(ctx)
    socket.send(JSON.stringify(upstream.webSocketFixtures.unsupportedVersionFrame))
    const text = await socket.next(ctx.timeoutMs)
    const error = errorOf(text)
    ctx.record({ step: 'first frame v 2', actual: text?.slice(0, 120) ?? 'no frame' })
    const want = upstream.webSocketFixtures.unsupportedVersionAnswer
    if (error?.code !== want.code || JSON.stringify(error?.data?.supported) !== JSON.stringify(want.supported)) {
      return fail('expected -32001 with data.supported [1]', want, error ?? text ?? 'no frame')
    }
    const code = await socket.closed(CLOSE_WAIT_MS)
    return code === undefined ? fail('the socket must close after -32001', 'close', 'still open') : PASS
  },
}

export const plaintextPolicy: ProfileCase = {
  id: '5.1-plaintext-policy',
  level: 'MUST',
  requirement: 'zp-ws-5.1-plaintext-policy',
  title: 'plaintext JSON-RPC: -32002 and close when remote, served when local',
  async run(ctx) {
    const socket = await connect(ctx)
    socket.send(upstream.webSocketFixtures.plaintextRequest)
    const text = await socket.next(ctx.timeoutMs)
    ctx.record({ step: `plaintext version (${ctx.remote ? 'remote' : 'local'})`, actual: text?.slice(0, 120) ?? 'no frame' })
    if (!ctx.remote) {
      const answer = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown; result?: unknown })
      if (answer?.id !== 1 || answer.result === undefined) failCase('local plaintext must be served', 'a result for id 1', text ?? 'none')
      return PASS
    }
    if (errorOf(text)?.code !== upstream.webSocketFixtures.plaintextRemoteAnswer.code) {
      return fail('remote plaintext must get -32002', -32002, text ?? 'no frame')
    }
    const code = await socket.closed(CLOSE_WAIT_MS)
    return code === undefined ? fail('the socket must close after -32002', 'close', 'still open') : PASS
  },
}

export const cases = [firstFrame, unsupportedVersion, plaintextPolicy]
