"""Checks vectors/session.json (Pairwire spec section 7): Noise_NNpsk0_25519_AESGCM_SHA256.

The Noise state objects of the Noise spec (revision 34, section 5) are written out below with
cryptography's X25519 and AES-GCM. Each script is replayed frame by frame into a client and a
device that check every frame in the order of spec Table 7-1; json_seq.py checks what each
receiver processes of a packed plaintext (spec section 7.10).
"""

import json
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common import expect, expect_equal, hmac_sha256, sha256, unhex
from json_seq import PackedCheck

PROTOCOL_NAME = b"Noise_NNpsk0_25519_AESGCM_SHA256"  # exactly 32 bytes: h = name (section 5.2)
MIN_HANDSHAKE, MIN_TRANSPORT = 48, 16
CLOSES = {4400: "malformed-frame", 4401: "handshake-failed", 4413: "frame-too-large",
          4422: "frame-auth-failed", 4426: "unsupported-version"}
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{21}[AQgw]", re.ASCII)


class Close(Exception):
    def __init__(self, code):
        super().__init__(CLOSES[code])
        self.code = code


def noise_hkdf(ck, ikm, outputs):
    """Noise section 4.3."""
    temp = hmac_sha256(ck, ikm)
    out, previous = [], b""
    for i in range(1, outputs + 1):
        previous = hmac_sha256(temp, previous + bytes([i]))
        out.append(previous)
    return out


class CipherState:
    """Noise section 5.1 with AESGCM (section 12.4): nonce = 4 zero bytes || 8-byte BE counter."""

    def __init__(self, key=None):
        self.key, self.n = key, 0

    def encrypt(self, ad, plaintext):
        if self.key is None:
            return plaintext
        out = AESGCM(self.key).encrypt(bytes(4) + self.n.to_bytes(8, "big"), plaintext, ad)
        self.n += 1
        return out

    def decrypt(self, ad, ciphertext):
        """Raises InvalidTag, and leaves n unchanged, when authentication fails."""
        if self.key is None:
            return ciphertext
        out = AESGCM(self.key).decrypt(bytes(4) + self.n.to_bytes(8, "big"), ciphertext, ad)
        self.n += 1
        return out


class Handshake:
    """Noise sections 5.2 and 5.3 for NNpsk0: -> psk, e / <- e, ee."""

    def __init__(self, initiator, psk, prologue, ephemeral):
        self.initiator, self.psk = initiator, psk
        self.e = X25519PrivateKey.from_private_bytes(ephemeral)
        self.h = self.ck = PROTOCOL_NAME
        self.cipher = CipherState()
        self.re = None
        self.messages = 0
        self.mix_hash(prologue)

    def mix_hash(self, data):
        self.h = sha256(self.h + data)

    def mix_key(self, ikm):
        self.ck, key = noise_hkdf(self.ck, ikm, 2)
        self.cipher = CipherState(key)

    def mix_key_and_hash(self, ikm):
        self.ck, temp_h, key = noise_hkdf(self.ck, ikm, 3)
        self.mix_hash(temp_h)
        self.cipher = CipherState(key)

    def mix_e(self, public):
        # Section 9.2: in a psk handshake the e token also calls MixKey(e.public_key).
        self.mix_hash(public)
        self.mix_key(public)

    def dh_ee(self):
        shared = self.e.exchange(X25519PublicKey.from_public_bytes(self.re))  # raises if all zero
        expect(shared != bytes(32), "all-zero DH output")  # spec section 7.3
        self.mix_key(shared)

    def write(self, payload):
        public = self.e.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        if self.messages == 0:
            self.mix_key_and_hash(self.psk)
        self.mix_e(public)
        if self.messages == 1:
            self.dh_ee()
        ciphertext = self.cipher.encrypt(self.h, payload)
        self.mix_hash(ciphertext)
        self.messages += 1
        return public + ciphertext

    def read(self, message):
        if self.messages == 0:
            self.mix_key_and_hash(self.psk)
        self.re = message[:32]
        self.mix_e(self.re)
        if self.messages == 1:
            self.dh_ee()
        payload = self.cipher.decrypt(self.h, message[32:])
        self.mix_hash(message[32:])
        self.messages += 1
        return payload

    def split(self):
        k1, k2 = noise_hkdf(self.ck, b"", 2)
        c1, c2 = CipherState(k1), CipherState(k2)
        return (c1, c2) if self.initiator else (c2, c1)  # (send, receive)


def is_int(value, low, high):
    return type(value) is int and low <= value <= high


def check_members(value, required):
    """Spec section 7.4: exactly the required members, and json_seq (only true) if present."""
    expect(isinstance(value, dict), "object")
    expect(set(value) - {"json_seq"} == required, "members")
    expect(value.get("json_seq", True) is True, "json_seq")  # spec section 7.10


def check_client_payload(text):
    """Spec section 7.4: v an integer other than 1 -> 4426; anything else invalid -> 4401."""
    value = json.loads(text)
    if isinstance(value, dict) and type(value.get("v")) is int and value["v"] != 1:
        raise Close(4426)
    check_members(value, {"v", "max_frame"})
    expect(value["v"] == 1 and type(value["v"]) is int, "v")
    expect(is_int(value["max_frame"], 1024, 65535), "max_frame")


def check_device_payload(text):
    value = json.loads(text)
    check_members(value, {"v", "session_id", "max_frame", "ping_interval"})
    expect(value["v"] == 1 and type(value["v"]) is int, "v")
    expect(isinstance(value["session_id"], str) and SESSION_ID.fullmatch(value["session_id"]),
           "session_id")
    expect(is_int(value["max_frame"], 1024, 65535), "max_frame")
    expect(is_int(value["ping_interval"], 1, 300), "ping_interval")


class Party:
    """One side's receiving half: the order of checks of spec Table 7-1."""

    def __init__(self, handshake, max_frame, on_handshake):
        self.handshake, self.max_frame, self.on_handshake = handshake, max_frame, on_handshake
        self.receive_cipher = None
        self.closed = False

    def receive(self, kind, frame):
        if self.closed:
            return ("discard",)
        try:
            return ("deliver", self.process(kind, frame))
        except Close as close:
            self.closed = True
            return ("close", close.code, CLOSES[close.code])

    def process(self, kind, frame):
        # Spec section 7.5 pw-sess-7.5-check-order: the length first, then the frame type.
        if len(frame) > self.max_frame:
            raise Close(4413)
        if kind == "text":
            raise Close(4400)
        if self.receive_cipher is not None:
            if len(frame) < MIN_TRANSPORT:
                raise Close(4400)
            return guarded(4422, lambda: self.receive_cipher.decrypt(b"", frame).decode("utf-8"))
        if len(frame) < MIN_HANDSHAKE:
            raise Close(4400)
        payload = guarded(4401, lambda: self.handshake.read(frame).decode("utf-8"))
        guarded(4401, lambda: self.on_handshake(payload))
        if self.handshake.messages == 2:
            self.receive_cipher = self.handshake.split()[1]
        return payload


def guarded(code, step):
    """Runs step; any failure but a Close of its own becomes a close with code."""
    try:
        return step()
    except Close:
        raise
    except (InvalidTag, ValueError, AssertionError, KeyError, TypeError):
        raise Close(code)


def run_script(group, test):
    client = Handshake(True, unhex(test.get("client_psk", group["psk"])),
                       unhex(test.get("client_prologue", group["prologue"])),
                       unhex(test["client_ephemeral"]))
    device = Handshake(False, unhex(group["psk"]), unhex(group["prologue"]),
                       unhex(test["device_ephemeral"]))
    client.write(test["client_payload"].encode("utf-8"))

    def device_answers(payload):
        check_client_payload(payload)
        device.write(test["device_payload"].encode("utf-8"))  # all-zero ee fails here

    receivers = {"client-to-device": Party(device, test["device_max_frame"], device_answers),
                 "device-to-client": Party(client, test["client_max_frame"], check_device_payload)}
    packed = PackedCheck(test)
    for index, step in enumerate(test["steps"], 1):
        receiver = receivers[step["direction"]]
        transport = receiver.receive_cipher is not None
        got = receiver.receive(step["kind"], unhex(step["frame"]))
        want = {"deliver": lambda: ("deliver", step["plaintext"]),
                "close": lambda: ("close", step["close_code"], step["close_reason"]),
                "discard": lambda: ("discard",)}[step["outcome"]]()
        where = "step %d (%s)" % (index, step["comment"])
        expect_equal(got, want, where)
        if transport and got[0] == "deliver":
            packed.step(step, where)
    packed.finish()
    return client, device


def check_script(group, test):
    client, device = run_script(group, test)
    complete = client.messages == 2 and device.messages == 2
    outcomes = [step["outcome"] for step in test["steps"]]
    if test["result"] == "valid":
        expect(set(outcomes) == {"deliver"}, "a valid script delivers every frame")
    else:
        expect("close" in outcomes, "an invalid script ends in a close")
    expect_equal(complete, "handshake_hash" in test, "handshake completed")
    if complete:
        expect_equal(device.h.hex(), test["handshake_hash"], "device h")
        expect_equal(client.h.hex(), test["handshake_hash"], "client h")


def verify(doc, tally):
    for group in doc["testGroups"]:
        expect_equal(group["type"], "SessionScriptTest", "group type")
        prologue = b"".join(len(x).to_bytes(8, "little") + x for x in (
            b"pairwire/1 session", group["client_id"].encode(), group["device_id"].encode()))
        expect_equal(prologue.hex(), group["prologue"], "prologue")
        for test in group["tests"]:
            tally.run(test, check_script, group, test)
