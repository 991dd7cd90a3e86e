/** Client mode, spec §12.3: the adapter contract itself. */
import { CLOSES, PROBLEMS } from '../../../protocol/registry.ts'
import { fail, firstFailure } from '../../verdicts.ts'
import { credentialsOwnerOnly, errorObjectShape, requireSupported, succeeded } from '../checks.ts'
import { ECHO, ECHO_PARAMS } from '../model.ts'
import { clientCase } from './common.ts'
import { sessionsOf } from '../device.ts'

export const adapterCases = [
  clientCase('12.3-pair-output', 'pw-test-12.3-output', 'pair prints {"client_id", "device_id"} of the pairing', async (ctx) => {
    const device = await ctx.device()
    const o = await ctx.pair(device, ctx.credentialsPath())
    const out = o.run.stdoutJson as { client_id?: unknown; device_id?: unknown } | undefined
    const clientIds = [...device.clients.keys()]
    return firstFailure(succeeded(o), out?.device_id === device.deviceId && clientIds.includes(String(out?.client_id)) ? null
      : fail('pair did not print the ids of the pairing', { client_id: clientIds[0], device_id: device.deviceId }, out ?? o.run.stdout.slice(0, 200)))
  }),
  clientCase('12.3-credentials-file', 'pw-test-12.3-credentials-file', 'a successful pairing writes the credentials file with mode 0600', async (ctx) => {
    const device = await ctx.device()
    const o = await ctx.pair(device, ctx.credentialsPath())
    return firstFailure(succeeded(o), credentialsOwnerOnly(o))
  }),
  clientCase('12.3-call-output', 'pw-test-12.3-output', 'call prints the JSON-RPC response object exactly as received', async (ctx) => {
    const paired = await ctx.paired()
    const params = { text: 'héllo', list: [1, 2, 3], nested: { a: null } }
    const o = await ctx.call(paired, ECHO, params)
    const sent = sessionsOf(o.log)[0]?.response
    return firstFailure(succeeded(o), JSON.stringify(o.run.stdoutJson) === JSON.stringify(sent) ? null
      : fail('call did not print the response as received', sent, o.run.stdoutJson ?? o.run.stdout.slice(0, 200)))
  }),
  clientCase('12.3-unpair-output', 'pw-test-12.3-output', 'unpair prints {"client_id"}', async (ctx) => {
    const paired = await ctx.pairedFresh()
    const clientId = [...paired.device.clients.keys()][0]
    const o = await ctx.unpair(paired)
    const out = o.run.stdoutJson as { client_id?: unknown } | undefined
    return firstFailure(succeeded(o), out?.client_id === clientId ? null : fail('unpair did not print the client_id', { client_id: clientId }, out ?? 'nothing'))
  }),
  clientCase('12.3-error-object', 'pw-test-12.3-output', 'a refusal puts the error object on stderr with the problem type, close_code null', async (ctx) => {
    const device = await ctx.device({ pairStart: { problem: PROBLEMS.pairingWindowClosed } })
    const o = await ctx.pair(device, ctx.credentialsPath())
    const error = (o.run.stderrJson as { error?: { close_code?: unknown } } | undefined)?.error
    return firstFailure(errorObjectShape(o), error?.close_code === null ? null : fail('close_code is not null for a problem answer', null, error?.close_code))
  }),
  clientCase('12.3-error-object-close', 'pw-test-12.3-output', 'a device close puts the error object on stderr with the close code, problem null', async (ctx) => {
    const paired = await ctx.paired({ closeInsteadOfResponse: CLOSES.goingAway })
    const o = await ctx.call(paired)
    const error = (o.run.stderrJson as { error?: { problem?: unknown } } | undefined)?.error
    return firstFailure(errorObjectShape(o), error?.problem === null ? null : fail('problem is not null for a close', null, error?.problem))
  }),
  clientCase('12.3-subcommands', 'pw-test-12.3-subcommands', 'pair, call and unpair all work against a correct device', async (ctx) => {
    const paired = await ctx.pairedFresh()
    const call = await ctx.call(paired)
    const unpair = await ctx.unpair(paired)
    return firstFailure(succeeded(call, 'call works'), succeeded(unpair, 'unpair works'))
  }),
  clientCase('12.3-signed-call', 'pw-test-12.3-optional-subcommands', 'the optional signed-call sends one signed POST /pairwire/v1/rpc and prints the response (skipped when not implemented)', async (ctx) => {
    const paired = await ctx.paired()
    const o = await ctx.signedCall(paired, ECHO, ECHO_PARAMS)
    requireSupported(o, 'signed-call')
    const out = o.run.stdoutJson as { result?: unknown } | undefined
    return firstFailure(succeeded(o), JSON.stringify(out?.result) === JSON.stringify(ECHO_PARAMS) ? null
      : fail('signed-call did not print the echo response', { result: ECHO_PARAMS }, out ?? o.run.stdout.slice(0, 200)))
  }),
]
