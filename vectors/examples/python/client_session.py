"""A session, the client side (spec 6, 7): a ticket from a signed request, the WebSocket with that
ticket, the Noise NNpsk0 handshake as initiator, then one JSON-RPC request and its response.

Every frame from the device is judged in the order of spec 7.5 (pw-sess-7.5-check-order) before
anything in it is used: longer than this client's max_frame closes 4413 (decided on the
WebSocket header), a text message 4400, too short for the message expected 4400, then Noise:
4401 for message 2 (and its payload, spec 7.4), 4422 for a transport message. After such a close
nothing more is read. The Noise state machine is session.py's (held to the vectors).
"""

import os
import socket
import time

import messages
import websocket
from client_http import Failure, json_answer, json_text, refusal, signed_request
from messages import load_json
from session import CLOSES, MIN_HANDSHAKE, MIN_TRANSPORT, Close, Handshake, check_device_payload

TICKETS, SESSION_PATH = "/pairwire/v1/tickets", "/pairwire/v1/ws"
CLIENT_MAX_FRAME = 65535  # spec 7.4: the largest frame this client accepts, the Noise maximum
TAG_BYTES = 16
NORMAL = 1000


def prologue(client_id, device_id):
    """Spec 7.3: LP("pairwire/1 session") || LP(client_id) || LP(device_id)."""
    return b"".join(len(x).to_bytes(8, "little") + x for x in (
        b"pairwire/1 session", client_id.encode("ascii"), device_id.encode("ascii")))


def request_ticket(device, credentials, alg, skew, deadline):
    """Spec 6.1: a signed POST /pairwire/v1/tickets with body {"v":1}."""
    answer = signed_request(device, credentials, "POST", TICKETS, b'{"v":1}', alg,
                            timeout=remaining(deadline))
    doc = json_answer(answer, messages.check_ticket_response, "ticket answer")
    # Spec 6.6: a ticket that expired more than `skew` ago by this client's clock is not presented.
    if doc["expires_at"] < int(time.time()) - skew:
        raise Failure.verification("ticket answer: the ticket has expired")
    return doc["ticket"]


def remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise Failure.usage("the operation timed out")
    return left


def session_url(device, ticket):
    """Spec 7.1: ws for an http device URL, wss for https; the ticket as the query `ticket`."""
    scheme = "wss" if device.scheme == "https" else "ws"
    return "%s://%s%s?ticket=%s" % (scheme, device.authority, SESSION_PATH, ticket)


class ClientSession:
    def __init__(self, ws, credentials, handshake_wait):
        self.ws = ws
        # Spec 7.4 pw-sess-7.4-client-gives-up: the device's advertised handshake_timeout is how
        # long this client waits for message 2 after message 1. Giving up is a timeout (exit 3)
        # closed with 1000 normal; 4408 is the device's code (spec 7.9).
        self.handshake_wait = handshake_wait
        self.handshake = Handshake(True, credentials.pairing_key,
                                   prologue(credentials.client_id, credentials.device_id),
                                   os.urandom(32))  # spec 13.3: a fresh ephemeral per session
        self.send_cipher = self.receive_cipher = None
        self.device_max_frame = None

    def next_frame(self, minimum):
        """One data message, judged by length, type and minimum size (spec 7.5 check order)."""
        try:
            opcode, payload = self.ws.recv_message()
        except websocket.TooLarge:
            raise Close(4413)
        if opcode == websocket.TEXT:
            raise Close(4400)
        if len(payload) < minimum:
            raise Close(4400)
        return payload

    def open(self):
        """Spec 7.4: message 1 first and alone, then message 2 verified before anything else."""
        self.ws.send_binary(self.handshake.write(json_text(
            {"v": 1, "max_frame": CLIENT_MAX_FRAME}).encode("utf-8")))
        deadline = self.ws.deadline
        self.ws.deadline = min(deadline, time.monotonic() + self.handshake_wait)
        frame = self.next_frame(MIN_HANDSHAKE)
        self.ws.deadline = deadline
        try:
            # load_json first: spec 2.4 reads an integral number such as 1.0 as an integer.
            device = load_json(self.handshake.read(frame))
            check_device_payload(json_text(device))
        except Close:
            raise
        except Exception:  # InvalidTag, an all-zero ee, a payload that breaks its table
            raise Close(4401)
        self.device_max_frame = device["max_frame"]
        self.send_cipher, self.receive_cipher = self.handshake.split()
        self.handshake = None  # spec 13.3: the ephemeral private key is dropped

    def send(self, message):
        plaintext = json_text(message).encode("utf-8")
        if len(plaintext) + TAG_BYTES > self.device_max_frame:  # pw-sess-7.5-respect-peer-max
            raise Failure.usage("the request does not fit in the device's max_frame")
        self.ws.send_binary(self.send_cipher.encrypt(b"", plaintext))

    def receive(self):
        """The next authenticated plaintext; a frame that fails authentication closes 4422."""
        frame = self.next_frame(MIN_TRANSPORT)
        try:
            return self.receive_cipher.decrypt(b"", frame)
        except Exception:
            raise Close(4422)

    def await_response(self, request_id):
        """Spec 7.6: the response with our id; notifications and other ids are ignored."""
        while True:
            plaintext = self.receive()
            try:
                doc = load_json(plaintext)
                if messages.rpc_response_id(doc) == request_id and type(doc["id"]) is int:
                    return plaintext.decode("utf-8")
            except (ValueError, messages.Invalid):
                continue  # a notification, or anything that is not a response to us


def call(device, credentials, method, params, alg, limits, timeout):
    """Spec 12.3 `call`: returns the JSON text of the response, as received. `limits` are those
    of the discovery document read for this call (spec 4.3)."""
    deadline = time.monotonic() + timeout
    ticket = request_ticket(device, credentials, alg, limits["skew"], deadline)
    try:
        ws = websocket.WebSocket.connect(session_url(device, ticket), CLIENT_MAX_FRAME, deadline)
    except websocket.Refused as refused:  # spec 7.2: the gate answers with a problem
        raise refusal(refused.status, {"content-type": refused.content_type}, refused.body)
    except (OSError, ValueError) as error:
        raise Failure.usage("the session could not be opened: %s" % error)
    session = ClientSession(ws, credentials, limits["handshake_timeout"])
    try:
        session.open()
        request = {"jsonrpc": "2.0", "id": 1, "method": method}
        if params is not None:
            request["params"] = params
        session.send(request)
        response = session.await_response(1)
    except Close as close:
        ws.close(close.code, CLOSES[close.code])  # spec 7.9: the code of the failed check
        what = "Noise message 2" if session.send_cipher is None else "a transport frame"
        raise Failure.verification("%s (closed %d %s)" % (what, close.code, CLOSES[close.code]))
    except websocket.Closed as closed:
        if closed.code is None:
            raise Failure.usage("the connection was lost")
        raise Failure.closed(closed.code, closed.reason)
    except websocket.ProtocolViolation as violation:
        raise Failure.verification("the WebSocket framing (%s, closed %d)" % (violation,
                                                                              violation.code))
    except Failure:
        ws.close(NORMAL, "normal")
        raise
    except (socket.timeout, TimeoutError):
        ws.close(NORMAL, "normal")
        raise Failure.usage("the operation timed out")
    except OSError as error:
        ws.abort(NORMAL)
        raise Failure.usage("the connection failed: %s" % type(error).__name__)
    ws.close(NORMAL, "normal")  # spec 12.3: close with 1000 once the response is in
    return response
