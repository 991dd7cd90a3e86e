/**
 * max_frame for incoming session messages (spec §7.5), enforced on frame headers before any
 * payload is buffered. The `ws` library refuses the same messages through its maxPayload option
 * but always closes those with 1009; this guard reads the RFC 6455 §5.2 headers of the bytes the
 * socket delivers, just before ws reads them, and reports the first data message whose length
 * (summed over its fragments, as ws counts it) exceeds the limit, so the session closes with
 * frame-too-large first and ws's own close frame is never sent.
 *
 *     byte 0: FIN | RSV1-3 | opcode     byte 1: MASK | payload len (7 bits)
 *     then 0, 2 or 8 bytes of extended length (len 126 / 127), then 4 mask bytes if MASK
 */
import type { Duplex } from 'node:stream'

const FIN = 0x80
const OPCODE = 0x0f
const MASK = 0x80
const LENGTH = 0x7f
const LENGTH_16 = 126
const LENGTH_64 = 127
const MASK_BYTES = 4
// Opcodes of data frames (continuation, text, binary); 8 and above are control frames.
const LAST_DATA_OPCODE = 0x02

/** The byte length of a frame header whose second byte is `second`. */
function headerLength(second: number): number {
  const len = second & LENGTH
  const extended = len === LENGTH_16 ? 2 : len === LENGTH_64 ? 8 : 0
  return 2 + extended + ((second & MASK) !== 0 ? MASK_BYTES : 0)
}

/** The payload length a complete header declares (beyond 2^53 it stays above any limit). */
function payloadLength(header: number[]): number {
  const len = header[1]! & LENGTH
  if (len < LENGTH_16) return len
  const bytes = header.slice(2, len === LENGTH_16 ? 4 : 10)
  return bytes.reduce((value, byte) => value * 256 + byte, 0)
}

/**
 * Watches `socket` (already handed to ws) and calls `onTooLarge` once, before ws sees the
 * offending header, when a data message exceeds `maxMessage` bytes. Returns a function that stops
 * watching.
 */
export function guardMessageLength(
  socket: Duplex,
  maxMessage: number,
  onTooLarge: () => void,
): () => void {
  let header: number[] = []
  let skip = 0
  let messageLength = 0

  const onHeader = (): boolean => {
    const opcode = header[0]! & OPCODE
    const length = payloadLength(header)
    const fin = (header[0]! & FIN) !== 0
    header = []
    skip = length
    if (opcode > LAST_DATA_OPCODE) return true
    messageLength += length
    if (messageLength > maxMessage) return false
    if (fin) messageLength = 0
    return true
  }

  const onData = (chunk: Buffer): void => {
    let offset = 0
    while (offset < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - offset)
        skip -= n
        offset += n
        continue
      }
      header.push(chunk[offset++]!)
      if (header.length < 2 || header.length < headerLength(header[1]!)) continue
      if (!onHeader()) {
        stop()
        onTooLarge()
        return
      }
    }
  }

  const stop = () => void socket.off('data', onData)
  socket.prependListener('data', onData)
  return stop
}
