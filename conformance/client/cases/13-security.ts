/** Client mode, spec §13.2 and §13.3: secrets stay on the client; fresh ephemerals. */
import { base64urlDecode, hexEncode } from '../../../protocol/encoding.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { succeeded, theSession } from '../checks.ts'
import type { LogEntry } from '../device.ts'
import { clientCase } from './common.ts'

/** Everything the client sent in clear: request lines, headers and bodies. */
function clearText(log: readonly LogEntry[]): string {
  return log.map((e) => (e.kind === 'http' ? `${e.path}${e.query}\n${JSON.stringify(e.headers)}\n${e.body}` : `${e.path} ${e.ticket ?? ''}`)).join('\n')
}

export const securityCases = [
  clientCase('13.2-client-secrets-stay-local', 'pw-sec-13.2-secrets-stay-local',
    'neither the PIN nor the pairing key (base64url or hex) appears in anything the client sent', async (ctx) => {
      const device = await ctx.device()
      const credentials = ctx.credentialsPath()
      const pairing = await ctx.pair(device, credentials)
      const call = await ctx.call({ device, credentials })
      const secrets = device.secrets().flatMap((s, i) => (i === 0 ? [s] : [s, hexEncode(base64urlDecode(s))]))
      const sent = clearText([...pairing.log, ...call.log])
      const found = secrets.filter((s) => sent.includes(s)).length
      return firstFailure(succeeded(pairing), succeeded(call), found === 0 ? null : fail('the client sent a secret over the network', 'no PIN or pairing key on the wire', `${found} secret(s) found`))
    }),
  clientCase('13.3-client-fresh-ephemeral', 'pw-sec-13.3-fresh-ephemeral', 'two sessions start with two different ephemeral keys', async (ctx) => {
    const paired = await ctx.paired()
    const first = await ctx.call(paired)
    const second = await ctx.call(paired)
    const keys = [theSession(first).message1?.e, theSession(second).message1?.e]
    return firstFailure(succeeded(first), succeeded(second),
      keys[0] !== undefined && keys[0] !== keys[1] ? null : fail('the client reused its ephemeral key', 'two different e', keys))
  }),
]
