/**
 * The device's answer to a client's Close frame (spec §7.9 pw-sess-7.9-close-answer): always
 * 1000 `normal`. ws answers a received Close from its receiver by calling close(code, reason)
 * with the client's own code and reason bytes (RFC 6455 §5.5.1 only says an endpoint
 * "typically echos" the code), which would send back reserved codes (4404, 4409, 4500), reasons
 * not in the registry and, with skipUTF8Validation on, reasons that are not UTF-8.
 * WebSocketServer's documented `WebSocket` option takes a subclass; this one tells the device's
 * own closes (closeWith, always a registry entry) from that automatic answer, which it replaces.
 */
import { WebSocket } from 'ws'
import { CLOSES, type CloseEntry } from '../../protocol/registry.ts'

export interface AnsweringWebSocket extends WebSocket {
  /** The device's own close: the entry's code and reason (§7.9), sent as they are. */
  closeWith(entry: CloseEntry): void
}

/**
 * ws's own close after a framing violation (RFC 6455 §7.4.1: 1002, 1007, 1009), which §7.9 keeps:
 * ws 8's receiver calls close(code) for those, and close(code, reason) or close() (no code
 * received, 1005) to answer a Close. close-answer.test.ts sends both kinds and checks the code.
 */
function isFramingClose(code: number | undefined, data: string | Buffer | undefined): boolean {
  return code !== undefined && data === undefined
}

/** A ws WebSocket class answering a Close with 1000 normal, or the echo when `echo` (a fault). */
export function answeringWebSocket(echo: boolean): typeof WebSocket {
  return class extends WebSocket implements AnsweringWebSocket {
    #own = false

    closeWith(entry: CloseEntry): void {
      this.#own = true
      this.close(entry.code, entry.reason)
    }

    override close(code?: number, data?: string | Buffer): void {
      if (this.#own || echo || isFramingClose(code, data)) super.close(code, data)
      else super.close(CLOSES.normal.code, CLOSES.normal.reason)
    }
  }
}

/** Closes `ws` with `entry`, through closeWith when ws is an answering WebSocket. */
export function closeWithEntry(ws: WebSocket, entry: CloseEntry): void {
  if ('closeWith' in ws && typeof ws.closeWith === 'function') {
    ;(ws as AnsweringWebSocket).closeWith(entry)
  } else {
    ws.close(entry.code, entry.reason)
  }
}
