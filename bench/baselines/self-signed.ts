/**
 * A self-signed P-256 certificate made at start-up for the TLS baselines (bench/baselines/wss-echo),
 * with node:crypto for the key and the signature and a minimal DER writer for the certificate, so
 * no certificate tool is needed (the CI machine has Node and nothing else).
 *
 *   Certificate  ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *                                                                        (RFC 5280 §4.1)
 *   TBSCertificate ::= SEQUENCE { [0] version v3, serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, [3] extensions } (RFC 5280 §4.1)
 *
 * The signature is ecdsa-with-SHA256 with absent parameters (RFC 5758 §3.2); the public key info
 * is node:crypto's SPKI export of the key (RFC 5480 §2). The one extension is subjectAltName
 * (RFC 5280 §4.2.1.6) naming 127.0.0.1 and localhost, which the client checks against the host
 * it connects to; the certificate is the client's only trust anchor (`ca`).
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto'

/** A DER TLV (X.690 §8.1): tag, definite length (short form below 128, long form above). */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents)
  const n = body.length
  const length =
    n < 0x80 ? Buffer.of(n)
      : n < 0x100 ? Buffer.of(0x81, n)
        : Buffer.of(0x82, n >> 8, n & 0xff)
  if (n > 0xffff) throw new RangeError('DER value too long for this writer')
  return Buffer.concat([Buffer.of(tag), length, body])
}

const sequence = (...c: Buffer[]) => tlv(0x30, ...c)
const set = (...c: Buffer[]) => tlv(0x31, ...c)
const explicit = (n: number, ...c: Buffer[]) => tlv(0xa0 | n, ...c)
const utf8String = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'))

/** X.690 §8.19: the first two arcs as 40 * a + b, every arc base 128 with continuation bits. */
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const bytes: number[] = []
  for (const arc of [a! * 40 + b!, ...rest]) {
    const groups = [arc & 0x7f]
    for (let v = arc >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return tlv(0x06, Buffer.from(bytes))
}

/** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets (top bit clear, so no sign byte). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0]! & 0x7f) | 0x01
  return tlv(0x02, bytes)
}

/** RFC 5280 §4.1.2.5.1: UTCTime YYMMDDHHMMSSZ (dates before 2050). */
function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'
  return tlv(0x17, Buffer.from(text, 'ascii'))
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'))
const COMMON_NAME = '2.5.4.3'
const SUBJECT_ALT_NAME = '2.5.29.17'

/** A Name of one RDN, the common name (RFC 5280 §4.1.2.4). */
const nameOf = (cn: string) => sequence(set(sequence(oid(COMMON_NAME), utf8String(cn))))

/** GeneralNames: iPAddress [7] 127.0.0.1 and dNSName [2] localhost (RFC 5280 §4.2.1.6). */
const LOOPBACK_NAMES = sequence(tlv(0x87, Buffer.of(127, 0, 0, 1)), tlv(0x82, Buffer.from('localhost')))

export interface SelfSigned {
  /** PKCS#8 PEM private key and X.509 PEM certificate, as node:tls takes them. */
  readonly key: string
  readonly cert: string
}

/** A fresh P-256 key and a certificate for it valid from an hour ago for a day. */
export function selfSignedLoopback(): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const now = Date.now()
  const name = nameOf('pairwire-bench')
  const extensions = explicit(3, sequence(
    sequence(oid(SUBJECT_ALT_NAME), tlv(0x04, LOOPBACK_NAMES)),
  ))
  const tbs = sequence(
    explicit(0, tlv(0x02, Buffer.of(2))),
    serialNumber(),
    ECDSA_WITH_SHA256,
    name,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  )
  // ECDSA-Sig-Value in DER (RFC 5480 §2.2 via RFC 5758 §3.2); a BIT STRING with 0 unused bits.
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' })
  const der = sequence(tbs, ECDSA_WITH_SHA256, tlv(0x03, Buffer.of(0), signature))
  // Parsing it back catches an encoding mistake here, not as a TLS failure in the client.
  const cert = new X509Certificate(der)
  if (!cert.verify(publicKey)) throw new Error('the self-signed certificate does not verify')
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: cert.toString() }
}
