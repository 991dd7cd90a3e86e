"""Helpers shared by the Pairwire vector consumers: encodings, HKDF, and the per-file tally."""

import base64
import hashlib
import hmac


def unhex(text):
    return bytes.fromhex(text)


def b64url(data):
    """Unpadded base64url (RFC 4648 section 5), as Pairwire writes binary values in JSON."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def lp(data):
    """RFC 9382 section 3.3: the 8-byte little-endian length of data, then data."""
    return len(data).to_bytes(8, "little") + data


def sha256(data):
    return hashlib.sha256(data).digest()


def hmac_sha256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def hkdf_sha256(ikm, info, length, salt=b""):
    """RFC 5869: extract with salt (empty = 32 zero bytes), then expand to length bytes."""
    prk = hmac_sha256(salt or bytes(32), ikm)
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac_sha256(prk, block + info + bytes([counter]))
        out += block
        counter += 1
    return out[:length]


class Tally:
    """Counts the tests of one file; a test fails on its first failed check."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.messages = []

    def run(self, test, check, *args):
        try:
            expect(test["result"] in ("valid", "invalid"), "unknown result %r" % test["result"])
            check(*args)
            self.passed += 1
        except Exception as error:  # every failure of a check is a failed vector
            self.failed += 1
            self.messages.append("%s tcId %s: %r" % (self.name, test.get("tcId"), error))

    def check_numbering(self, doc):
        tc_ids = [t["tcId"] for g in doc["testGroups"] for t in g["tests"]]
        if tc_ids != list(range(1, len(tc_ids) + 1)) or doc["numberOfTests"] != len(tc_ids):
            self.failed += 1
            self.messages.append("%s: tcIds or numberOfTests are wrong" % self.name)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: got %r, expected %r" % (what, actual, expected))
