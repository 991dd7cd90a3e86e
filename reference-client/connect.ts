/**
 * Opening a session (spec §6, §7): a signed POST for a single-use ticket, the WebSocket with that
 * ticket, and the Noise handshake, all within the handshake timeout. A device that refuses the
 * ticket before the upgrade (spec §7.2) surfaces as its problem where the platform can read it,
 * a device that closes during the handshake as its close code and reason.
 */
import { defaultBackend, platformAsyncPrimitives } from '../protocol/crypto/index.ts'
import { CLOSES, LIMIT_DEFAULTS, PROBLEMS, problemType } from '../protocol/registry.ts'
import { secretKeys, type Credentials } from './credentials.ts'
import { ClientError } from './errors.ts'
import { clientHandshake, type Handshaken } from './handshake.ts'
import { resolveSocketFactory, type SocketFactory } from './platform.ts'
import { Session, type NotificationListener } from './session.ts'
import { requestTicket, signedUpgrade, type SignedCallOptions } from './signed.ts'
import { SocketChannel } from './socket-channel.ts'
import { websocketUrl } from './urls.ts'
import { clientFault } from './faults.ts'
import { discover } from './pair.ts'
import { resolveFetch } from './platform.ts'

export interface ConnectOptions extends SignedCallOptions {
  readonly onNotification?: NotificationListener
  /** Time for the socket to open and Noise message 2 to arrive; default handshake_timeout. */
  readonly handshakeTimeoutMs?: number
  readonly socketFactory?: SocketFactory
  /**
   * Read discovery first and stop unless it names the stored device_id and device_key (spec
   * §4.4 pinned key). The CLI does; off by default, a session then rests on the pairing key alone.
   */
  readonly verifyDiscovery?: boolean
  /**
   * Offer packed plaintexts in message 1 (spec §7.10); default true. A device written before
   * §7.10 refuses the offer's member with handshake-failed, so such a device needs false.
   */
  readonly jsonSeq?: boolean
  /**
   * 'signed': open the session with a signed upgrade (spec §7.2), one request fewer than a ticket;
   * a device that does not accept them answers ticket-missing and a ticket is fetched after all.
   * Needs a socket that can send header fields (ws on Node; never a browser). Default 'ticket'.
   */
  readonly upgrade?: 'ticket' | 'signed'
}

/**
 * Settles with `run`, or rejects when the device closes the open socket first (with its code)
 * or when the time is up: spec §7.4 pw-sess-7.4-client-gives-up, close 1000 normal (4408 is the
 * device's code) and report a timeout.
 */
function withinHandshake(
  channel: SocketChannel,
  timeoutMs: number,
  run: () => Promise<Handshaken>,
): Promise<Handshaken> {
  return new Promise((resolve, reject) => {
    const fail = (error: ClientError) => (clearTimeout(timer), reject(error))
    const timer = setTimeout(() => {
      fail(ClientError.transport('the session handshake timed out'))
      const close = clientFault('give-up-with-handshake-timeout') ? CLOSES.handshakeTimeout : CLOSES.normal
      channel.close(close.code, close.reason)
    }, timeoutMs)
    // Only once open: a socket that never opened reports why through `opened` instead.
    channel.opened.then(
      () => channel.closed.then((info) => fail(channel.endError(info))),
      () => {},
    )
    run().then((handshaken) => (clearTimeout(timer), resolve(handshaken)), fail)
  })
}

/** Opens a session with the device of `credentials`. */
export async function connect(
  credentials: Credentials,
  options: ConnectOptions = {},
): Promise<Session> {
  const backend = options.backend ?? defaultBackend
  // Browsers: WebCrypto where it has the primitive (README "Crypto backends"); Node: node:crypto.
  const primitives = options.primitives ?? (await platformAsyncPrimitives())
  const { pairingKey } = secretKeys(credentials)
  // Spec §4.4: the device must still be the one that was paired; nothing signed goes elsewhere.
  let advertisedTimeout: number = LIMIT_DEFAULTS.handshake_timeout
  if (options.verifyDiscovery === true) {
    const { discovery } = await discover(await resolveFetch(options.fetch), credentials.url, backend)
    const pinned = discovery.device_id === credentials.device_id && discovery.device_key === credentials.device_key
    if (!pinned && !clientFault('ignore-device-key-change')) throw ClientError.verification('device-key')
    // Spec §7.4 pw-sess-7.4-client-gives-up: the wait for message 2 is the advertised one.
    if (!clientFault('ignore-advertised-handshake-timeout')) advertisedTimeout = discovery.limits.handshake_timeout
  }
  const signing = primitives === undefined ? options : { ...options, primitives }
  const factory = await resolveSocketFactory(options.socketFactory)
  const timeoutMs = options.handshakeTimeoutMs ?? advertisedTimeout * 1000
  const open = async (url: string, headers?: Record<string, string>) => {
    const channel = new SocketChannel(factory, url, headers)
    const handshaken = await withinHandshake(channel, timeoutMs, async () => {
      await channel.opened
      const offer = { jsonSeq: options.jsonSeq ?? true }
      return clientHandshake(channel, credentials, pairingKey, backend, offer, primitives)
    })
    return new Session(channel, handshaken, options.onNotification)
  }
  if (options.upgrade === 'signed') {
    const { url, headers } = await signedUpgrade(credentials, signing)
    try {
      return await open(url, headers)
    } catch (error) {
      // Spec §7.2: a device without signed upgrades answers as it does a request without a ticket.
      if (!(error instanceof ClientError) || error.problem?.type !== problemType(PROBLEMS.ticketMissing)) throw error
    }
  }
  const { ticket, expires_at: expiresAt } = await requestTicket(credentials, signing)
  // Spec §6.6: a ticket already expired by more than skew on our clock is never presented.
  const now = Math.floor(Date.now() / 1000)
  if (expiresAt < now - LIMIT_DEFAULTS.skew && !clientFault('ignore-ticket-expiry')) {
    throw ClientError.verification('ticket-response', 'the ticket has expired')
  }
  return open(websocketUrl(credentials.url, ticket))
}
