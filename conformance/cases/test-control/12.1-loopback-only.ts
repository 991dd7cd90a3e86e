/**
 * Spec §12.1 {#pw-test-12.1-loopback-only}: while the test-control interface is on, the device
 * listens only on loopback addresses. The harness checks that it reached the device through a
 * loopback address, then tries the device's port on every other address of this host: none may
 * accept a connection. (When the device runs on another host, the URL is not loopback: fail.)
 */
import { lookup } from 'node:dns/promises'
import { isIP, connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { CaseDefinition } from '../../model.ts'
import { fail, PASS, skip } from '../../verdicts.ts'

const PROBE_TIMEOUT_MS = 1000

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address)
}

/** The addresses of this host that are not loopback or link-local. */
function otherAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !isLoopback(a.address) && !a.address.startsWith('fe80:'))
    .map((a) => a.address)
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (result: boolean) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

export const loopbackOnly: CaseDefinition = {
  id: '12.1-loopback-only',
  level: 'MUST',
  requirement: 'pw-test-12.1-loopback-only',
  title: 'with test-control on, the device listens on loopback addresses only',
  profiles: ['test-control'],
  async run(ctx) {
    const url = new URL(ctx.target.url)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const resolved = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address)
    const outside = resolved.filter((a) => !isLoopback(a))
    ctx.record({ step: `resolve ${host}`, actual: resolved })
    if (outside.length > 0) {
      const message = 'the test-control device was reached through a non-loopback address'
      return fail(message, 'loopback only', outside)
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
    const addresses = otherAddresses()
    if (addresses.length === 0) return skip('this host has no non-loopback address to probe')
    for (const address of addresses) {
      const open = await accepts(address, port)
      const actual = open ? 'accepted' : 'refused'
      ctx.record({ step: `connect to ${address} port ${port}`, expected: 'refused', actual })
      if (open) {
        return fail(`the device accepts connections on ${address}`, 'loopback only', actual)
      }
    }
    return PASS
  },
}
