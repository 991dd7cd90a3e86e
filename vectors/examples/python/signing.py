"""Checks vectors/signing.json (Pairwire spec section 8): RFC 9421 signed requests.

Holds the part of RFC 8941 (structured fields) that Signature-Input, Signature and
Content-Digest need, the RFC 9421 signature base, and the device's verification in the order of
spec section 8.7: parse, look up the key, verify, check the time, claim the nonce.
"""

import base64
import hmac
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common import expect_equal, hmac_sha256, sha256, unhex

PROBLEM = "urn:pairwire:error:"
STATUS = {"signature-missing": 401, "malformed-signature": 400, "missing-component": 400,
          "unsupported-algorithm": 400, "digest-mismatch": 400, "unknown-key": 401,
          "signature-invalid": 401, "clock-skew": 401, "replayed-nonce": 401}
KEY = re.compile(r"[a-z*][a-z0-9_.*-]*")
TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
NONCE = re.compile(r"[A-Za-z0-9_-]{21}[AQgw]")
BYTES = re.compile(r":([A-Za-z0-9+/]*)(={0,2}):")


class Refused(Exception):
    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


class Token(str):
    """An RFC 8941 Token, kept apart from a String."""


class Parser:
    """RFC 8941 section 4.2, for Dictionaries of Inner Lists of Strings or of Byte Sequences."""

    def __init__(self, text):
        self.text, self.pos = text, 0

    def peek(self):
        return self.text[self.pos:self.pos + 1]

    def fail(self, why):
        raise Refused("malformed-signature") from ValueError(why)

    def match(self, pattern):
        found = pattern.match(self.text, self.pos)
        if not found:
            self.fail("expected " + pattern.pattern)
        self.pos = found.end()
        return found.group()

    def skip(self, chars):
        while self.peek() and self.peek() in chars:
            self.pos += 1

    def bare_item(self):
        c = self.peek()
        if c and c in "-0123456789":
            number = self.match(re.compile(r"-?[0-9]{1,15}"))
            if self.peek() and self.peek() in ".0123456789":
                self.fail("decimal or too long")
            return int(number)
        if c == '"':
            return self.string()
        if c == "?":
            return self.match(re.compile(r"\?[01]")) == "?1"
        if c and TOKEN.match(c):
            return Token(self.match(TOKEN))
        self.fail("bare item")

    def string(self):
        self.pos += 1
        out = ""
        while True:
            c = self.peek()
            self.pos += 1
            if c == '"':
                return out
            if c == "\\":
                c = self.peek()
                self.pos += 1
                if c not in ('"', "\\"):
                    self.fail("escape")
            elif not c or not " " <= c <= "~":
                self.fail("string")
            out += c

    def parameters(self):
        params = {}
        while self.peek() == ";":
            self.pos += 1
            self.skip(" ")
            key = self.match(KEY)
            value = True
            if self.peek() == "=":
                self.pos += 1
                value = self.bare_item()
            params[key] = value
        return params

    def inner_list(self):
        if self.peek() != "(":
            self.fail("not an inner list")
        self.pos += 1
        items = []
        while True:
            self.skip(" ")
            if self.peek() == ")":
                self.pos += 1
                return items, self.parameters()
            if self.peek() != '"':
                self.fail("inner list member")
            items.append((self.string(), self.parameters()))
            if self.peek() not in (" ", ")"):
                self.fail("inner list separator")

    def byte_sequence(self):
        # Section 4.2.7: parsers SHOULD NOT fail on absent padding or non-zero pad bits.
        found = BYTES.match(self.text, self.pos)
        data, padding = (found.group(1), found.group(2)) if found else ("", "")
        if not found or len(data) % 4 == 1 or (padding and (len(data) + len(padding)) % 4):
            self.fail("byte sequence")
        self.pos = found.end()
        self.parameters()
        return base64.b64decode(data + "=" * (-len(data) % 4))

    def dictionary(self, member):
        out = {}
        self.skip(" ")
        while self.peek():
            key = self.match(KEY)
            if self.peek() != "=":
                self.fail("member without value")
            self.pos += 1
            out[key] = member()
            self.skip(" \t")
            if not self.peek():
                break
            if self.peek() != ",":
                self.fail("after member")
            self.pos += 1
            self.skip(" \t")
            if not self.peek():
                self.fail("trailing comma")
        return out


def field(headers, name):
    values = [v.strip(" \t") for k, v in headers.items() if k.lower() == name]
    return ", ".join(values) if values else None


def serialize_item(value):
    if isinstance(value, bool):
        return "" if value else "=?0"
    if isinstance(value, Token):
        return "=" + value
    if isinstance(value, int):
        return "=%d" % value
    return '="%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def profile_parameters(params):
    """Spec section 8.7 steps 4 and 5."""
    for name, kind in (("created", int), ("nonce", str), ("keyid", str), ("alg", str)):
        if name not in params:
            raise Refused("missing-component")
        value = params[name]
        if type(value) is not kind or (kind is int and value < 0):
            raise Refused("malformed-signature")
    expires = params.get("expires")
    if expires is not None and (type(expires) is not int or expires < 0):
        raise Refused("malformed-signature")
    if set(params) - {"created", "expires", "nonce", "keyid", "alg"}:
        raise Refused("malformed-signature")
    if not NONCE.fullmatch(params["nonce"]):
        raise Refused("malformed-signature")
    if params["alg"] not in ("ed25519", "hmac-sha256"):
        raise Refused("unsupported-algorithm")


def parse(test):
    """Spec section 8.7 steps 1-6; returns the parameters, the signature and the base."""
    headers, body = test["headers"], test.get("body", "").encode("utf-8")
    inputs, signatures = field(headers, "signature-input"), field(headers, "signature")
    if inputs is None or signatures is None:
        raise Refused("signature-missing")
    inputs, signatures = _parse_inputs(inputs), _parse_signatures(signatures)
    if "pw" not in inputs or "pw" not in signatures:
        raise Refused("signature-missing")
    items, params = inputs["pw"]
    expected = ["@method", "@target-uri"] + (["content-digest"] if body else [])
    if [name for name, _ in items] != expected or any(p for _, p in items):
        raise Refused("missing-component")
    profile_parameters(params)
    if body:
        check_digest(field(headers, "content-digest"), body)
    values = {"@method": test["method"], "@target-uri": test["url"],
              "content-digest": field(headers, "content-digest")}
    lines = ['"%s": %s' % (name, values[name]) for name, _ in items]
    signature_params = "(%s)" % " ".join('"%s"' % name for name, _ in items)
    signature_params += "".join(";%s%s" % (k, serialize_item(v)) for k, v in params.items())
    lines.append('"@signature-params": ' + signature_params)
    return params, signatures["pw"], "\n".join(lines)


def _parse_inputs(text):
    parser = Parser(text)
    return parser.dictionary(parser.inner_list)


def _parse_signatures(text):
    parser = Parser(text)
    return parser.dictionary(parser.byte_sequence)


def check_digest(value, body):
    """RFC 9530: the sha-256 member must be SHA-256 of the body; other members are ignored."""
    if value is None:
        raise Refused("digest-mismatch")
    try:
        digests = _parse_signatures(value)
    except Refused:
        raise Refused("digest-mismatch")
    if not hmac.compare_digest(digests.get("sha-256", b""), sha256(body)):
        raise Refused("digest-mismatch")


def verify_signature(alg, client, base, signature):
    if alg == "hmac-sha256":
        return hmac.compare_digest(hmac_sha256(unhex(client["hmac_key"]), base), signature)
    try:
        Ed25519PublicKey.from_public_bytes(unhex(client["client_key"])).verify(signature, base)
        return True
    except Exception:  # InvalidSignature, or a signature of the wrong length
        return False


def verdict(group, test):
    """Spec section 8.7 in order; returns None for an accepted request."""
    try:
        params, signature, base = parse(test)
    except Refused as refused:
        expect_equal("signature_base" in test, False, "parse fails")
        return refused.problem
    expect_equal(base, test.get("signature_base"), "signature base")
    client = next((c for c in group["clients"] if c["client_id"] == params["keyid"]), None)
    if client is None:
        return "unknown-key"
    if not verify_signature(params["alg"], client, base.encode("ascii"), signature):
        return "signature-invalid"
    now, skew = test["now"], group["skew"]
    if abs(now - params["created"]) > skew or params.get("expires", now) < now:
        return "clock-skew"
    if {"keyid": params["keyid"], "nonce": params["nonce"]} in test["replay_store"]:
        return "replayed-nonce"
    return None


def check_request(group, test):
    problem = verdict(group, test)
    if test["result"] == "valid":
        expect_equal(problem, None, "verdict")
    else:
        expect_equal(PROBLEM + str(problem), test["problem"], "verdict")
        expect_equal(STATUS.get(problem), test["status"], "status")


def verify(doc, tally):
    for group in doc["testGroups"]:
        expect_equal(group["type"], "SignedRequestTest", "group type")
        for test in group["tests"]:
            tally.run(test, check_request, group, test)
