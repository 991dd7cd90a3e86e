/**
 * Shapes shared by the client-mode case files: a pairing against a scripted device, judged by
 * what the client stored and sent; a call on a paired client against a scripted session.
 */
import { PATHS } from '../../../protocol/registry.ts'
import type { Level, Verdict } from '../../model.ts'
import { firstFailure, type FailVerdict } from '../../verdicts.ts'
import { nothingSentTo, noCredentials, packedAtMost64, packedOnlyWhenAccepted } from '../checks.ts'
import type { DeviceScript } from '../device.ts'
import type { ClientCaseContext, ClientCaseDefinition, Outcome, Paired } from '../model.ts'

type Judge = (o: Outcome, ctx: ClientCaseContext) => (FailVerdict | null)[] | Promise<(FailVerdict | null)[]>

export function clientCase(
  id: string,
  requirement: string,
  title: string,
  run: (ctx: ClientCaseContext) => Promise<Verdict>,
  level: Level = 'MUST',
): ClientCaseDefinition {
  return { id, level, requirement, title, run }
}

/** Pairs with a device running `script`; the failed pairing must leave no credentials. */
export function pairingCase(id: string, requirement: string, title: string, script: DeviceScript, judge: Judge, level: Level = 'MUST'): ClientCaseDefinition {
  return clientCase(id, requirement, title, async (ctx) => {
    const device = await ctx.device(script)
    const o = await ctx.pair(device, ctx.credentialsPath())
    return firstFailure(...(await judge(o, ctx)), noCredentials(o))
  }, level)
}

/** The client stopped before pair/start. */
export const beforePairStart = (o: Outcome, why: string) => nothingSentTo(o, PATHS.pairStart, why)
/** The client stopped before pair/finish. */
export const beforePairFinish = (o: Outcome, why: string) => nothingSentTo(o, PATHS.pairFinish, why)

/**
 * A call on a shared paired client against a session scripted with `script`; in every one, a
 * packed plaintext the device did not accept, or one of more than 64 elements, fails the client
 * (§7.10).
 */
export function sessionCase(id: string, requirement: string, title: string, script: DeviceScript, judge: (o: Outcome, paired: Paired, ctx: ClientCaseContext) => (FailVerdict | null)[], level: Level = 'MUST'): ClientCaseDefinition {
  return clientCase(id, requirement, title, async (ctx) => {
    const paired = await ctx.paired(script)
    const o = await ctx.call(paired)
    return firstFailure(...judge(o, paired, ctx), packedOnlyWhenAccepted(o), packedAtMost64(o))
  }, level)
}
