/**
 * Spec §15.9: nothing the relay returns repeats a secret or an unbounded request string: refusals
 * carry no query, header or challenge, close reasons are registry names only.
 */
import { PATHS } from '../../../protocol/registry.ts'
import { firstFailure } from '../../verdicts.ts'
import { echoesNothing } from '../checks.ts'
import type { RelayCase } from '../context.ts'
import { rawRequest } from '../wire.ts'

export const noSecrets: RelayCase = {
  id: '15.9-no-secrets',
  level: 'MUST',
  requirement: 'pw-relay-15.9-no-secrets',
  title: 'refusals repeat no query value, ticket, header or path the request carried',
  async run(ctx) {
    const secret = 'S3CRET-ticket-Zq9'
    const header = 'Hdr-Value-Xk2'
    const targets = [
      `${PATHS.relayClient}?device_id=bad-${secret}&ticket=${secret}`,
      `${PATHS.relayDevice}?ticket=${secret}`,
      `/pairwire-relay/v1/${secret}?device_id=${secret}`,
    ]
    const checks = []
    for (const target of targets) {
      const answer = await rawRequest(ctx.url, target, { headers: { 'x-secret': header, authorization: `Bearer ${secret}` } })
      const text = answer.body + JSON.stringify(answer.headers)
      ctx.record({ step: `GET ${target.replace(secret, '…')}`, actual: { status: answer.status } })
      checks.push(echoesNothing(target, text, [secret, header]))
    }
    return firstFailure(...checks)
  },
}

export const cases: readonly RelayCase[] = [noSecrets]
