/**
 * The pairing URI (spec §5.11) of an open window, and its QR code for a terminal (qrcode-terminal,
 * half-height block characters, error correction level L). Printed only to the operator's
 * terminal: the URI can carry the PIN, which never enters the log or the audit log (spec §13.12).
 */
import qrcode from 'qrcode-terminal'
import { formatPairingUri } from '../../protocol/pairing-uri.ts'

export function pairingUri(url: string, deviceId: string, pin: string | null): string {
  return formatPairingUri({ url, deviceId, pin })
}

/** The QR code of `text` as terminal lines (two modules per character row). */
export function terminalQr(text: string): string {
  let out = ''
  qrcode.generate(text, { small: true }, (qr) => (out = qr))
  return out
}
