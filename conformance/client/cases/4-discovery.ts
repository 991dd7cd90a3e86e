/** Client mode, spec §4.4: what a client does with the discovery document. */
import { CaseFailure, firstFailure, skip } from '../../verdicts.ts'
import { PATHS, SIZES } from '../../../protocol/registry.ts'
import { failedVerification, noCredentials, nothingSentTo, noSession } from '../checks.ts'
import { requestsTo } from '../device.ts'
import type { Outcome } from '../model.ts'
import { beforePairStart, clientCase, pairingCase } from './common.ts'

/** The rule binds clients that read discovery: one that did not is not judged by the case. */
function readDiscovery(o: Outcome): void {
  if (requestsTo(o.log, PATHS.discovery).length === 0) {
    throw new CaseFailure(skip('the client does not read discovery (§5.9 makes it optional)', 'not-supported'))
  }
}

const invalid = (id: string, title: string, script: Parameters<typeof pairingCase>[3], why: string) =>
  pairingCase(id, 'pw-disc-4.4-client-invalid-document', title, script, (o) => {
    readDiscovery(o)
    return [failedVerification(o, why), beforePairStart(o, why)]
  })

/** A copy of the discovery document with `limits` changed. */
const limits = (change: Record<string, number>) => (d: Record<string, unknown>) => ({ ...d, limits: { ...(d['limits'] as object), ...change } })

export const discoveryCases = [
  pairingCase('4.4-client-version-missing', 'pw-disc-4.4-client-version-check',
    'a discovery document whose versions lack 1 stops the pairing',
    { discovery: { rewrite: (d) => ({ ...d, versions: [2] }) } },
    (o) => {
      readDiscovery(o)
      return [failedVerification(o, 'versions is [2]'), beforePairStart(o, 'versions is [2]')]
    }),
  invalid('4.4-client-discovery-not-json', 'a discovery answer that is not JSON stops the pairing',
    { discovery: { raw: '<html>not a discovery document</html>' } }, 'discovery is not JSON'),
  invalid('4.4-client-discovery-unknown-member', 'a discovery document with an unknown member stops the pairing',
    { discovery: { rewrite: (d) => ({ ...d, surprise: true }) } }, 'discovery has an unknown member'),
  invalid('4.4-client-discovery-wrong-type', 'a discovery document with a member of the wrong type stops the pairing',
    { discovery: { rewrite: (d) => ({ ...d, limits: 'none' }) } }, 'limits is a string'),
  invalid('4.4-client-discovery-wrong-id', 'a device_id that is not the fingerprint of device_key stops the pairing',
    { discovery: { rewrite: (d) => ({ ...d, device_id: 'pwd_AAAAAAAAAAAAAAAAAAAAAA' }) } }, 'device_id does not match device_key'),
  invalid('4.4-client-discovery-limit-range', 'a discovery document with max_frame 512 (under its range, §4.3) stops the pairing',
    { discovery: { rewrite: limits({ max_frame: 512 }) } }, 'max_frame is 512'),
  invalid('4.4-client-discovery-pin-ttl-over-max', 'a discovery document with pin_ttl over max_pin_ttl (a range that names another limit) stops the pairing',
    { discovery: { rewrite: limits({ pin_ttl: 200, max_pin_ttl: 100 }) } }, 'pin_ttl 200 > max_pin_ttl 100'),
  invalid('4.4-client-discovery-inflight-under-body', 'a discovery document with max_inflight_bytes under max_body stops the pairing',
    { discovery: { rewrite: limits({ max_body: 1 << 20, max_inflight_bytes: 1 << 19 }) } }, 'max_inflight_bytes < max_body'),
  clientCase('4.4-client-discovery-oversize', 'pw-disc-4.4-client-size-limit',
    'a discovery answer over 65536 bytes (valid JSON padded with spaces) stops the pairing',
    async (ctx) => {
      const device = await ctx.device()
      const document = await (await fetch(`${device.url}${PATHS.discovery}`)).text()
      device.reset({ discovery: { raw: document + ' '.repeat(SIZES.maxDiscoveryDocument) } })
      const o = await ctx.pair(device, ctx.credentialsPath())
      readDiscovery(o)
      const why = 'discovery is over 65536 bytes'
      return firstFailure(failedVerification(o, why), beforePairStart(o, why), noCredentials(o))
    }),
  clientCase('4.4-client-pinned-key', 'pw-disc-4.4-client-pinned-key',
    'after pairing, a discovery document with another device_key stops the client before any signed request',
    async (ctx) => {
      const paired = await ctx.pairedFresh({ discovery: { afterPairing: 'other-key' } })
      const o = await ctx.call(paired)
      readDiscovery(o)
      const why = 'discovery names another device_key than the stored one'
      return firstFailure(failedVerification(o, why), nothingSentTo(o, PATHS.tickets, why), noSession(o, why))
    }),
]

