"""A minimal RFC 6455 WebSocket client over a blocking socket, for the Pairwire session (spec 7).

Only what a Pairwire client needs, and every check RFC 6455 asks of a client: the opening
handshake with Sec-WebSocket-Accept (section 4.1), masked frames out and unmasked frames in
(section 5.1, 5.3), reserved bits and opcodes (section 5.2), fragmentation with interleaved control
frames (section 5.4), control frame rules (section 5.5), Ping answered with Pong (section 5.5.2),
the closing handshake (section 5.5.1, 7.1) and close code validity (section 7.4). Messages are
bounded by `max_message`: a message whose length would exceed it is refused as soon as a frame
header says so, before its payload is read (Pairwire spec 7.5, pw-sess-7.5-check-order).
No extension and no subprotocol are offered (spec 7.1).
"""

import base64
import hashlib
import os
import socket
import ssl
import struct
import time

# RFC 6455 section 1.3: the GUID appended to Sec-WebSocket-Key for Sec-WebSocket-Accept.
ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
PROTOCOL_ERROR, INVALID_DATA, NO_STATUS = 1002, 1007, 1005
MAX_HEADER_BYTES = 16384  # the 101 answer, or a refusal's header block
MAX_REFUSAL_BYTES = 16384  # a problem body (spec 7.2) is a few hundred bytes
CLOSE_WAIT = 1.0  # seconds to wait for the peer's Close after ours (RFC 6455 section 7.1.1)


class Refused(Exception):
    """The server answered the opening handshake with an HTTP status other than 101."""

    def __init__(self, status, content_type, body):
        super().__init__("HTTP %d" % status)
        self.status, self.content_type, self.body = status, content_type, body


class ProtocolViolation(Exception):
    """The server broke RFC 6455; the connection has been failed with `code` (section 7.1.7)."""

    def __init__(self, code, why):
        super().__init__(why)
        self.code = code


class TooLarge(Exception):
    """A message longer than max_message was announced; nothing of its payload was read."""


class Closed(Exception):
    """The server closed: its Close code and reason, or code None when TCP ended without one."""

    def __init__(self, code, reason):
        super().__init__("closed %r %r" % (code, reason))
        self.code, self.reason = code, reason


def valid_close_code(code):
    """RFC 6455 section 7.4.1 and 7.4.2: codes a Close frame may carry."""
    return code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011) or 3000 <= code <= 4999


class WebSocket:
    """One client connection. recv_message() returns (opcode, payload) of the next data message."""

    def __init__(self, sock, buffered, max_message, deadline):
        self.sock, self.buffer, self.max_message = sock, bytearray(buffered), max_message
        self.deadline = deadline
        self.close_sent = False
        self.in_sync = True  # False once a frame was left unread: no further frame can be parsed

    @classmethod
    def connect(cls, url, max_message, deadline):
        """RFC 6455 section 4.1: open the TCP (and TLS) connection and run the opening handshake."""
        scheme, rest = url.split("://", 1)
        authority, _, target = rest.partition("/")
        target = "/" + target
        host, port = split_authority(authority, 443 if scheme == "wss" else 80)
        sock = socket.create_connection((host, port), timeout=remaining(deadline))
        try:
            if scheme == "wss":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            key = base64.b64encode(os.urandom(16))  # section 4.1: 16 random bytes, base64
            request = ("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n") % (target, authority, key.decode())
            sock.sendall(request.encode("ascii"))
            status, headers, buffered = read_head(sock, deadline)
            if status != 101:
                raise Refused(status, headers.get("content-type", ""),
                              read_refusal(sock, headers, buffered, deadline))
            check_accept(headers, key)
        except BaseException:
            sock.close()
            raise
        return cls(sock, buffered, max_message, deadline)

    def send_binary(self, payload):
        self._send_frame(BINARY, payload)

    def recv_message(self):
        """The next text or binary message, answering Pings on the way (section 5.5.2)."""
        opcode, parts, length = None, [], 0
        while True:
            fin, frame_opcode, size = self._read_header()
            if frame_opcode >= CLOSE:
                self._control(frame_opcode, self._read_exact(size))
                continue
            if frame_opcode == CONTINUATION and opcode is None:
                self.fail(PROTOCOL_ERROR, "continuation without a message")  # section 5.4
            if frame_opcode != CONTINUATION and opcode is not None:
                self.fail(PROTOCOL_ERROR, "new message inside a fragmented one")  # section 5.4
            opcode = frame_opcode if opcode is None else opcode
            length += size
            if length > self.max_message:
                self.in_sync = False
                raise TooLarge()  # decided on the header alone: nothing of it is buffered
            parts.append(self._read_exact(size))
            if fin:
                return opcode, b"".join(parts)

    def close(self, code, reason):
        """Section 7.1.2: send Close, then wait briefly for the server's Close and its TCP close."""
        # Our own short deadline: a close after a timeout must still be sent (section 7.1.2).
        self.deadline = time.monotonic() + CLOSE_WAIT
        try:
            if not self.close_sent:
                self.close_sent = True
                self._send_frame(CLOSE, struct.pack("!H", code) + reason.encode("utf-8"))
        except OSError:
            self.sock.close()
            return
        try:
            while self.in_sync:
                self.recv_message()  # data after our Close is discarded (section 5.5.1)
            self._drain()
        except (Closed, ProtocolViolation, TooLarge, OSError):
            pass
        self.sock.close()

    def _drain(self):
        """Out of sync (a refused frame's payload is still arriving): read and drop raw bytes
        until the server ends TCP or the close wait passes. Closing a socket with unread bytes
        makes the kernel send RST, which can destroy our Close frame before the server reads it."""
        self.sock.shutdown(socket.SHUT_WR)
        while True:
            self.sock.settimeout(remaining(self.deadline))
            if not self.sock.recv(65536):
                return

    def fail(self, code, why):
        """Section 7.1.7, _Fail the WebSocket Connection_: send Close with code, drop TCP."""
        self.abort(code)
        raise ProtocolViolation(code, why)

    def abort(self, code):
        self.deadline = time.monotonic() + CLOSE_WAIT
        try:
            if not self.close_sent:
                self._send_frame(CLOSE, struct.pack("!H", code))
                self.close_sent = True
        except OSError:
            pass
        self.sock.close()

    def _control(self, opcode, payload):
        if opcode == PING:
            self._send_frame(PONG, payload)  # section 5.5.3: the Ping's application data
        elif opcode == CLOSE:
            code, reason = parse_close(self, payload)
            if not self.close_sent:  # section 5.5.1: answer a Close with a Close
                self._send_frame(CLOSE, payload[:2])
                self.close_sent = True
            self.sock.close()
            raise Closed(code, reason)
        # PONG: unsolicited Pongs are ignored (section 5.5.3).

    def _read_header(self):
        """Section 5.2: FIN, RSV1-3, opcode, MASK, payload length."""
        first, second = self._read_exact(2)
        fin, rsv, opcode = first & 0x80, first & 0x70, first & 0x0F
        if rsv:
            self.fail(PROTOCOL_ERROR, "reserved bits set without an extension")
        if opcode not in (CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG):
            self.fail(PROTOCOL_ERROR, "reserved opcode")
        if second & 0x80:
            self.fail(PROTOCOL_ERROR, "masked frame from the server")  # section 5.1
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", self._read_exact(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", self._read_exact(8))[0]
            if size >> 63:
                self.fail(PROTOCOL_ERROR, "64-bit length with the top bit set")
        if opcode >= CLOSE and (size > 125 or not fin):
            self.fail(PROTOCOL_ERROR, "control frame fragmented or over 125 bytes")  # 5.5
        return bool(fin), opcode, size

    def _read_exact(self, size):
        while len(self.buffer) < size:
            self.sock.settimeout(remaining(self.deadline))
            chunk = self.sock.recv(max(4096, size - len(self.buffer)))
            if not chunk:
                self.sock.close()
                raise Closed(None, "")  # TCP ended without a Close frame (section 7.1.5: 1006)
            self.buffer += chunk
        out = bytes(self.buffer[:size])
        del self.buffer[:size]
        return out

    def _send_frame(self, opcode, payload):
        """Section 5.2, 5.3: one final frame, masked with a fresh key from the CSPRNG."""
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        mask = os.urandom(4)
        self.sock.settimeout(remaining(self.deadline))
        self.sock.sendall(header + mask + apply_mask(mask, payload))


def apply_mask(mask, payload):
    """Section 5.3: octet i of the payload XOR octet i mod 4 of the masking key."""
    size = len(payload)
    if not size:
        return b""
    key = (mask * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(size, "big")


def parse_close(ws, payload):
    """Section 5.5.1: empty, or a 2-byte code and a UTF-8 reason; section 7.4 for the code."""
    if not payload:
        return NO_STATUS, ""  # section 7.1.5: no status code was present
    if len(payload) == 1:
        ws.fail(PROTOCOL_ERROR, "Close payload of one byte")
    code = struct.unpack("!H", payload[:2])[0]
    if not valid_close_code(code):
        ws.fail(PROTOCOL_ERROR, "invalid close code %d" % code)
    try:
        return code, payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        ws.fail(INVALID_DATA, "close reason is not UTF-8")  # section 8.1


def remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("timed out")
    return left


def split_authority(authority, default_port):
    if authority.startswith("["):  # RFC 3986 section 3.2.2: an IPv6 literal
        host, _, port = authority[1:].partition("]")
        port = port[1:]
    else:
        host, _, port = authority.partition(":")
    return host, int(port) if port else default_port


def read_head(sock, deadline):
    """An HTTP/1.1 status line and header block (at most MAX_HEADER_BYTES), and what followed."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEADER_BYTES:
            raise OSError("the answer to the WebSocket request has oversized headers")
        sock.settimeout(remaining(deadline))
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("the connection closed during the WebSocket opening handshake")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise OSError("the answer to the WebSocket request is not HTTP/1.1")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers[name] = (headers[name] + ", " if name in headers else "") + value.strip()
    return int(parts[1]), headers, rest


def read_refusal(sock, headers, body, deadline):
    """The body of a refused upgrade, by Content-Length, up to MAX_REFUSAL_BYTES."""
    try:
        length = min(int(headers.get("content-length", "0")), MAX_REFUSAL_BYTES)
        while len(body) < length:
            sock.settimeout(remaining(deadline))
            chunk = sock.recv(4096)
            if not chunk:
                break
            body += chunk
    except (OSError, ValueError):
        pass
    return body[:MAX_REFUSAL_BYTES]


def check_accept(headers, key):
    """Section 4.1, the client's checks of the server's 101 answer (items 2 to 6)."""
    expected = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest()).decode()
    tokens = [t.strip().lower() for t in headers.get("connection", "").split(",")]
    if headers.get("upgrade", "").lower() != "websocket" or "upgrade" not in tokens:
        raise OSError("the 101 answer lacks Upgrade: websocket or Connection: Upgrade")
    if headers.get("sec-websocket-accept") != expected:
        raise OSError("Sec-WebSocket-Accept does not match the key")
    if "sec-websocket-extensions" in headers or "sec-websocket-protocol" in headers:
        raise OSError("the server chose an extension or subprotocol that was not offered")
