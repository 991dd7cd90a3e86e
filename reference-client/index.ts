/**
 * The Pairwire reference client library (spec §4 - §9), for Node and browsers: pair with a
 * device, open Noise sessions and call JSON-RPC methods, send signed HTTP requests, unpair.
 * Node-only parts (the credentials file, the CLI) live in modules this one does not import.
 */
export { connect, type ConnectOptions } from './connect.ts'
export {
  credentialKeys,
  parseCredentials,
  publicCredentials,
  type CredentialKeys,
  type Credentials,
  type PublicCredentials,
} from './credentials.ts'
export {
  ClientError,
  RpcError,
  isClientError,
  type ClientErrorKind,
  type CloseInfo,
  type ProblemDetails,
  type VerificationStep,
} from './errors.ts'
export type { RpcParams, RpcResponse } from './jsonrpc.ts'
export { pair, pairFromUri, type PairFromUriOptions, type PairOptions } from './pair.ts'
export {
  formatPairingUri,
  parsePairingUri,
  PairingUriError,
  type PairingUri,
} from '../protocol/pairing-uri.ts'
export type { FetchFunction, RawSocket, SocketFactory } from './platform.ts'
export { Session, type NotificationListener } from './session.ts'
export {
  requestHmacKey,
  requestTicket,
  signedCall,
  signedFetch,
  signedRequest,
  unpair,
  type SignedCallOptions,
  type SignedRequestOptions,
} from './signed.ts'
