/**
 * Loopback checks for the test-control interface (spec §12), which only a loopback listener may
 * offer and only a loopback peer may use: 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses.
 */
import { isIPv4 } from 'node:net'

/** True for an IP address literal on the loopback interface. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  if (isIPv4(v4)) return v4.startsWith('127.')
  return address === '::1'
}

/** True for a listen host that only loopback peers can reach (an address or "localhost"). */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host.replace(/^\[|\]$/g, ''))
}
