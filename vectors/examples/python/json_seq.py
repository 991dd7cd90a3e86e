"""Packed plaintexts (Pairwire spec section 7.10), as vectors/session.json checks them.

A packed plaintext is an RFC 7464 JSON text sequence: each element is RS (0x1E), one JSON text and
LF (0x0A). A party accepts packed plaintexts when its own handshake payload has "json_seq": true;
the client offers in message 1 and the device answers only an offer. A receiver that accepts them
splits at every RS byte, before any UTF-8 decoding, drops empty elements (RFC 7464 section 2.1)
and processes each element as the plaintext of a frame of its own (spec section 7.6); more than 64
elements are answered by one -32600 and none is processed. A receiver that does not accept them
takes the whole plaintext as one, which is not JSON (RS), so the device answers -32700.
"""

import json

from common import expect, expect_equal

RS = b"\x1e"
MAX_ELEMENTS = 64  # spec 7.10: at most 64 elements in one packed plaintext
PARSE_ERROR = {"code": -32700, "message": "Parse error"}
INVALID_REQUEST = {"code": -32600, "message": "Invalid Request"}


def accepts_packed(payload):
    """Spec 7.4: json_seq is present and true in the party's own handshake payload."""
    try:
        return json.loads(payload).get("json_seq") is True
    except (ValueError, AttributeError):
        return False


def processed(plaintext, accepts):
    """The plaintexts the receiver processes, in order (spec 7.10)."""
    if not accepts or not plaintext.startswith(RS):
        return [plaintext]
    elements = [element for element in plaintext.split(RS) if element]
    return [] if len(elements) > MAX_ELEMENTS else elements


def error(entry):
    return {"jsonrpc": "2.0", "id": None, "error": entry}


def answer_to(text):
    """What a device answers to one plaintext (spec 7.6), for what the scripts send."""
    try:
        value = json.loads(text)  # bytes: a non-UTF-8 element is a ValueError too
    except ValueError:
        return [error(PARSE_ERROR)]
    if isinstance(value, list):  # pw-sess-7.6-no-batch, inside a packed plaintext too
        return [error(INVALID_REQUEST)]
    if "id" not in value:  # a notification is never answered
        return []
    return [{"jsonrpc": "2.0", "id": value["id"], "result": value.get("params")}]


class PackedCheck:
    """Spec 7.10 for one script: the payloads, each packed step's elements, the answers."""

    def __init__(self, test):
        self.test = test
        self.accepts = {"client-to-device": accepts_packed(test["device_payload"]),
                        "device-to-client": accepts_packed(test["client_payload"])}
        # pw-sess-7.10-answer-only-offers
        expect(self.accepts["device-to-client"] or not self.accepts["client-to-device"],
               "the device answers json_seq only to an offer")
        self.answers, self.responses = [], []

    def step(self, step, where):
        """A transport frame its receiver delivered."""
        plaintext = step["plaintext"].encode("utf-8")
        accepts = self.accepts[step["direction"]]
        elements = processed(plaintext, accepts)
        packed = plaintext.startswith(RS)
        want = [e.decode("utf-8") for e in elements] if packed else None
        expect_equal(want, step.get("elements"), "%s: elements" % where)
        if packed and "PackedNotAccepted" not in self.test["flags"]:
            expect(accepts, "%s: packed only to a receiver that accepts it" % where)
        if step["direction"] == "device-to-client":
            self.responses += [v for v in map(json.loads, elements) if "id" in v]
        elif packed and not elements:  # more than 64 elements: one -32600, none processed
            self.answers.append(error(INVALID_REQUEST))
        else:
            self.answers += [answer for e in elements for answer in answer_to(e)]

    def finish(self):
        """The script's responses answer what the device processed, in order (spec 7.6 allows
        any order; the scripts keep it), as far as the script goes."""
        expect_equal(self.responses, self.answers[:len(self.responses)], "answers")
