"""HTTP for the Python client: the device URL, plain and signed requests (spec 2.9, 8), and the
one mapping of every outcome to a result or a Failure carrying its spec 12.3 exit code.

A signed request is signed afresh every time (spec 8.2): `created` from this client's own clock,
16 new bytes of nonce from the CSPRNG, keyid = client_id, and exactly the covered components of
the table of spec 8.2, with Content-Digest (RFC 9530) for a body. The signature base is RFC 9421
section 2.5 as spec 8.2 writes it; @target-uri is the URI the request goes to, normalised as spec
8.4 says, and the request line carries exactly its path.
"""

import base64
import http.client
import json
import os
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common import b64url, hkdf_sha256, hmac_sha256, sha256
from messages import Invalid, load_json, rpc_response_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
UNTYPED_PROBLEM = "about:blank"  # RFC 9457 section 4.2.1: a refusal that names no type
MAX_ANSWER_BYTES = 1 << 20  # an answer larger than this is not a Pairwire message
REQUEST_HMAC_KEY_INFO = b"pairwire/1 request hmac key"  # spec 8.3
RPC = "/pairwire/v1/rpc"
EXIT_REFUSED, EXIT_VERIFICATION, EXIT_USAGE = 1, 2, 3  # spec 12.3


class Failure(Exception):
    """One failed operation: its spec 12.3 exit code and the stderr error object's members."""

    def __init__(self, exit_code, message, problem=None, close_code=None):
        super().__init__(message)
        self.exit_code, self.problem, self.close_code = exit_code, problem, close_code

    @classmethod
    def problem_answer(cls, problem):
        return cls(EXIT_REFUSED, "the device refused the request: " + problem, problem=problem)

    @classmethod
    def closed(cls, code, reason):
        return cls(EXIT_REFUSED, ("the device closed the session: %d %s" % (code, reason)).strip(),
                   close_code=code)

    @classmethod
    def verification(cls, what):
        """The device failed a check of this client; `what` names the check, never a value."""
        return cls(EXIT_VERIFICATION, "the device failed verification: " + what)

    @classmethod
    def usage(cls, message):
        return cls(EXIT_USAGE, message)


class Device:
    """The device URL reduced to its origin (spec 2.9); every path is absolute under it."""

    def __init__(self, url):
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise Failure.usage("the device URL is not a valid URL")
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise Failure.usage("the device URL must be http:// or https:// with a host")
        self.scheme, self.host = parts.scheme.lower(), parts.hostname.lower()
        default = 443 if self.scheme == "https" else 80
        self.port = port or default
        host = "[%s]" % self.host if ":" in self.host else self.host
        # Spec 8.4: scheme and host lowercase, the scheme's default port omitted.
        self.authority = host if self.port == default else "%s:%d" % (host, self.port)
        self.origin = "%s://%s" % (self.scheme, self.authority)

    def request(self, method, path, body=None, headers=None, timeout=30, limit=MAX_ANSWER_BYTES):
        """Sends one request; (status, headers, body). Unreachable or cut off: exit 3. An answer
        body over `limit` bytes is the device failing (exit 2), read no further."""
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = kind(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            data = answer.read(limit + 1)
            if len(data) > limit:
                raise Failure.verification("an answer larger than %d bytes" % limit)
            fields = {k.lower(): v for k, v in answer.getheaders()}
            return answer.status, fields, data
        except (OSError, http.client.HTTPException) as error:
            raise Failure.usage("the device could not be reached: %s" % type(error).__name__)
        finally:
            connection.close()


def refusal(status, headers, data):
    """A non-2xx answer is the device refusing (exit 1): the problem type it names (spec 2.6)."""
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    problem = UNTYPED_PROBLEM
    if media_type == PROBLEM_MEDIA_TYPE:
        try:
            doc = load_json(data)
            if isinstance(doc, dict) and isinstance(doc.get("type"), str):
                problem = doc["type"]
        except ValueError:
            pass
    return Failure.problem_answer(problem)


def json_answer(answer, check, what):
    """A 2xx answer whose body is the message `check` judges, else the device failed (exit 2)."""
    status, headers, data = answer
    if 300 <= status < 400:
        raise Failure.usage("the device answered with a redirect, which Pairwire never uses")
    if not 200 <= status < 300:
        raise refusal(status, headers, data)
    try:
        doc = load_json(data)
        check(doc)
    except (ValueError, Invalid) as error:
        raise Failure.verification("%s (%s)" % (what, error if isinstance(error, Invalid) else
                                                "not a UTF-8 JSON object"))
    return doc


def no_content_answer(answer):
    status, headers, data = answer
    if not 200 <= status < 300:
        raise refusal(status, headers, data)


def post_json(device, path, message, timeout):
    body = json_text(message).encode("utf-8")
    return device.request("POST", path, body, {"Content-Type": "application/json"}, timeout)


def json_text(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def signed_rpc(device, credentials, method, params, alg, timeout):
    """Spec 8.9: one JSON-RPC request as a signed POST /pairwire/v1/rpc; the response text."""
    request = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        request["params"] = params
    answer = signed_request(device, credentials, "POST", RPC, json_text(request).encode("utf-8"),
                            alg, timeout)

    def check(doc):
        if rpc_response_id(doc) != 1 or type(doc["id"]) is not int:
            raise Invalid("the response id is not the request's")

    json_answer(answer, check, "rpc answer")
    return answer[2].decode("utf-8")


def request_hmac_key(pairing_key):
    """Spec 8.3: HKDF-SHA256(salt empty, IKM pairing key, info, 32)."""
    return hkdf_sha256(pairing_key, REQUEST_HMAC_KEY_INFO, 32)


def signature_fields(method, target_uri, body, keyid, alg, key):
    """Spec 8.2: Signature-Input, Signature and (for a body) Content-Digest of one request."""
    fields, components, lines = {}, ["@method", "@target-uri"], [method, target_uri]
    if body:
        digest = "sha-256=:%s:" % base64.b64encode(sha256(body)).decode("ascii")  # RFC 9530
        fields["Content-Digest"] = digest
        components.append("content-digest")
        lines.append(digest)
    nonce = b64url(os.urandom(16))  # spec 8.2: 16 fresh bytes from the CSPRNG
    created = int(time.time())  # spec 8.2: this client's own clock, whole seconds (spec 2.7)
    params = '(%s);created=%d;nonce="%s";keyid="%s";alg="%s"' % (
        " ".join('"%s"' % c for c in components), created, nonce, keyid, alg)
    base = "\n".join('"%s": %s' % pair for pair in zip(components, lines))
    base += '\n"@signature-params": ' + params  # RFC 9421 section 2.5, no trailing LF
    if alg == "ed25519":
        signature = Ed25519PrivateKey.from_private_bytes(key).sign(base.encode("ascii"))
    else:
        signature = hmac_sha256(key, base.encode("ascii"))
    fields["Signature-Input"] = "pw=" + params
    fields["Signature"] = "pw=:%s:" % base64.b64encode(signature).decode("ascii")
    return fields


def signed_request(device, credentials, method, path, body, alg, timeout):
    """Spec 8: one signed request to `path`; alg is ed25519 or hmac-sha256 (spec 8.3)."""
    if alg == "ed25519":
        key = credentials.seed
    else:
        key = request_hmac_key(credentials.pairing_key)
    headers = signature_fields(method, device.origin + path, body, credentials.client_id, alg, key)
    if body:
        headers["Content-Type"] = "application/json"
    return device.request(method, path, body, headers, timeout)
