"""What the Python client accepts from a device: the field tables of spec 4.2, 5.7, 5.8 and 6.1.

Each check_* function takes the parsed JSON value of one device message and raises Invalid when
it breaks its field table: a missing or unknown member, a wrong type, a length, range or
encoding outside the table (spec 2.4, 2.5). load_json reads a JSON text as spec 2.4 says a
receiver does: UTF-8 without a byte order mark, an integral number is that integer.
"""

import base64
import json
import re
from decimal import Decimal

ID = re.compile(r"pw[dc]_[A-Za-z0-9_-]{21}[AQgw]", re.ASCII)
B64URL = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)
MAX_SAFE_INTEGER = 2 ** 53 - 1  # spec 2.4: the I-JSON range of RFC 7493
PROFILES = {"pairing", "session", "signed-http", "test-control"}
ALGORITHMS = {"ed25519", "hmac-sha256"}
# Spec 4.3, the "allowed" column; None is "no upper bound" (the I-JSON maximum).
LIMITS = {"pin_ttl": (1, "max_pin_ttl"), "max_pin_ttl": (1, 300), "max_pin_failures": (1, 10),
          "pairing_ttl": (1, 300), "ticket_ttl": (1, 60), "skew": (1, 300),
          "max_body": (1024, None), "max_frame": (1024, 65535), "handshake_timeout": (1, 60),
          "ping_interval": (1, 300), "max_concurrent_pairings": (1, None),
          "rate_ip_per_minute": (1, None), "rate_client_per_minute": (1, None),
          "max_inflight_bytes": ("max_body", None), "max_connections_per_ip": (1, None)}


class Invalid(Exception):
    """A device message that breaks its field table; the text names the member, never a value."""


def load_json(data):
    """Spec 2.4: UTF-8 JSON, no BOM; NaN and Infinity are not JSON; 1.0 is the integer 1."""
    def number(text):
        value = Decimal(text)
        return int(value) if value == value.to_integral_value() else float(text)

    def not_json(name):
        raise ValueError("%s is not JSON" % name)

    text = data.decode("utf-8")  # strict: invalid UTF-8 raises; a BOM then fails json.loads
    return json.loads(text, parse_float=number, parse_constant=not_json)


def require(condition, what):
    if not condition:
        raise Invalid(what)


def decode_b64url(text, size):
    """Spec 2.5: the one canonical unpadded spelling of exactly `size` bytes, else None."""
    if not isinstance(text, str) or len(text) != -(-4 * size // 3) or not B64URL.fullmatch(text):
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != text:
        return None  # non-zero unused bits
    return data if len(data) == size else None


def is_integer(value, low=0, high=MAX_SAFE_INTEGER):
    return type(value) is int and low <= value <= high


def members(value, names, what):
    require(isinstance(value, dict), what + " is not an object")
    require(set(value) == set(names), what + " has missing or unknown members")
    require(value["v"] == 1 and type(value["v"]) is int, what + " v")


def name_ok(value):
    return isinstance(value, str) and 1 <= len(value) <= 64  # code points, spec 2.4


def unique_list(value, allowed):
    return (isinstance(value, list) and len(set(map(repr, value))) == len(value)
            and all(allowed(item) for item in value))


def check_discovery(doc):
    """Spec 4.2; the version check of spec 4.4 is the caller's, so it can say why it stopped."""
    members(doc, ("v", "versions", "device_id", "device_key", "name", "profiles", "algorithms",
                  "limits"), "discovery")
    require(doc["versions"] and unique_list(doc["versions"], lambda v: is_integer(v, 1)),
            "discovery versions")
    require(isinstance(doc["device_id"], str) and ID.fullmatch(doc["device_id"])
            and doc["device_id"].startswith("pwd_"), "discovery device_id")
    require(decode_b64url(doc["device_key"], 32) is not None, "discovery device_key")
    require(name_ok(doc["name"]), "discovery name")
    require(unique_list(doc["profiles"], lambda p: p in PROFILES), "discovery profiles")
    require({"pairing", "session", "signed-http"} <= set(doc["profiles"]), "discovery profiles")
    require(unique_list(doc["algorithms"], lambda a: a in ALGORITHMS), "discovery algorithms")
    require(set(doc["algorithms"]) == ALGORITHMS, "discovery algorithms")  # spec 4.2
    check_limits(doc["limits"])


def check_limits(limits):
    """Spec 4.3: exactly the limits of the table, each an integer in its allowed range."""
    require(isinstance(limits, dict) and set(limits) == set(LIMITS), "discovery limits")
    require(all(is_integer(limits[name]) for name in LIMITS), "discovery limits")
    for name, (low, high) in LIMITS.items():
        low = limits[low] if isinstance(low, str) else low
        high = limits[high] if isinstance(high, str) else (high or MAX_SAFE_INTEGER)
        require(low <= limits[name] <= high, "discovery limit " + name)


def check_pair_start_response(doc):
    """Spec 5.7: v, pairing_id (16 bytes), pB (65 bytes), device_key (32 bytes), expires_at."""
    members(doc, ("v", "pairing_id", "pB", "device_key", "expires_at"), "pair/start answer")
    require(decode_b64url(doc["pairing_id"], 16) is not None, "pair/start pairing_id")
    require(decode_b64url(doc["pB"], 65) is not None, "pair/start pB")
    require(decode_b64url(doc["device_key"], 32) is not None, "pair/start device_key")
    require(is_integer(doc["expires_at"]), "pair/start expires_at")


def check_pair_finish_response(doc):
    """Spec 5.8: v, client_id, device_id, cB (32 bytes)."""
    members(doc, ("v", "client_id", "device_id", "cB"), "pair/finish answer")
    for name, prefix in (("client_id", "pwc_"), ("device_id", "pwd_")):
        value = doc[name]
        require(isinstance(value, str) and ID.fullmatch(value) and value.startswith(prefix),
                "pair/finish " + name)
    require(decode_b64url(doc["cB"], 32) is not None, "pair/finish cB")


def check_ticket_response(doc):
    """Spec 6.1: v, ticket (32 bytes), expires_at."""
    members(doc, ("v", "ticket", "expires_at"), "ticket answer")
    require(decode_b64url(doc["ticket"], 32) is not None, "ticket")
    require(is_integer(doc["expires_at"]), "ticket expires_at")


def rpc_response_id(doc):
    """Spec 7.6: the id of a valid JSON-RPC 2.0 response object, or raises Invalid."""
    require(isinstance(doc, dict) and doc.get("jsonrpc") == "2.0", "not JSON-RPC 2.0")
    require("id" in doc and (doc["id"] is None or isinstance(doc["id"], str)
                             or (type(doc["id"]) is int)), "response id")
    require(set(doc) in ({"jsonrpc", "id", "result"}, {"jsonrpc", "id", "error"}),
            "response members")
    if "error" in doc:
        error = doc["error"]
        require(isinstance(error, dict) and type(error.get("code")) is int
                and isinstance(error.get("message"), str)
                and set(error) <= {"code", "message", "data"}, "response error")
    return doc["id"]
