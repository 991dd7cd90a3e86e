"""Pairing, the client side (spec 4, 5.9): discovery, then SPAKE2 as party A over pair/start and
pair/finish, with every check spec 5.9 asks of a client before it keeps anything.

The group arithmetic is pairing.py's (P-256 over Python integers, held to the vectors). Its
memoised `mul` would keep secret scalars in a cache, so the client calls the function underneath
(`mul.__wrapped__`). That arithmetic is not constant-time: fine for a test adapter, not for a
product, which takes a vetted library for the group operations.
"""

import hmac
import secrets
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, NoEncryption

import messages
from client_http import Failure, json_answer, post_json
from common import b64url, hkdf_sha256, hmac_sha256, lp, sha256
from credentials import Credentials, key_id, public_key_of
from pairing import AAD, G, M, N, PAIRING_KEY_INFO, add, decode_share, encode, is_pin, n, neg
from pairing import mul as memoised_mul
from pairing import password_scalar

mul = memoised_mul.__wrapped__  # no cache of secret scalars
DISCOVERY, PAIR_START, PAIR_FINISH = "/.well-known/pairwire", "/pairwire/v1/pair/start", \
    "/pairwire/v1/pair/finish"
MAX_DISCOVERY_BYTES = 65536  # a discovery document is a few hundred bytes (spec 4.4)


def discover(device, timeout):
    """Spec 4: the discovery document, its version list (4.4) and its id (3.2) checked."""
    answer = device.request("GET", DISCOVERY, timeout=timeout, limit=MAX_DISCOVERY_BYTES)
    doc = json_answer(answer, messages.check_discovery, "discovery")
    if 1 not in doc["versions"]:
        raise Failure.verification("discovery: the device does not support version 1")
    device_key = messages.decode_b64url(doc["device_key"], 32)
    if key_id("pwd_", device_key) != doc["device_id"]:  # pw-keys-3.2-verify-id
        raise Failure.verification("discovery: device_id is not the id of device_key")
    return doc, device_key


def check_pinned(device, credentials, timeout):
    """Before a session or a signed request: the device must still be the one that paired, with
    the id and key stored at pairing (spec 4.4); returns the discovery document."""
    doc, device_key = discover(device, timeout)
    if doc["device_id"] != credentials.device_id or device_key != credentials.device_key:
        raise Failure.verification("discovery: the device_id or device_key is not the paired one")
    return doc


def confirmations(A, B, pA, pB, K, w):
    """RFC 9382 sections 3.3 and 4 (spec 5.5): TT, Ke, cA and the expected cB. The pairing key
    is not derived here: spec 5.6 allows it only after cB has verified."""
    TT = lp(A) + lp(B) + lp(pA) + lp(pB) + lp(K) + lp(w.to_bytes(32, "big"))
    digest = sha256(TT)
    Ke, Ka = digest[:16], digest[16:]
    Kc = hkdf_sha256(Ka, b"ConfirmationKeys" + AAD, 32)
    KcA, KcB = Kc[:16], Kc[16:]
    return Ke, hmac_sha256(KcA, TT), hmac_sha256(KcB, TT)


def pair(device, pin, name, timeout):
    """Spec 5: pairs with `device`; returns Credentials, or raises Failure having stored nothing."""
    if not is_pin(pin):
        raise Failure.usage("the PIN must be six ASCII digits")
    if not messages.name_ok(name):
        raise Failure.usage("the client name must be 1 to 64 characters")
    discovery, device_key = discover(device, timeout)

    private = Ed25519PrivateKey.generate()  # spec 3.1: a fresh key pair for this device
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    A = public_key_of(seed)
    w = password_scalar(pin)
    x = 1 + secrets.randbelow(n - 1)  # spec 5.5: uniform in [1, n - 1] from the CSPRNG
    pA = encode(add(mul(x, G), mul(w, M)))  # RFC 9382 section 3.3: pA = x*P + w*M
    start = json_answer(post_json(device, PAIR_START, {
        "v": 1, "client_key": b64url(A), "client_name": name, "pA": b64url(pA),
    }, timeout), messages.check_pair_start_response, "pair/start answer")

    # Spec 5.9: B is the device_key of this answer, which must be the discovered one.
    B = messages.decode_b64url(start["device_key"], 32)
    if not hmac.compare_digest(B, device_key):
        raise Failure.verification("pair/start: device_key differs from discovery")
    pB = messages.decode_b64url(start["pB"], 65)
    point = decode_share(pB)  # spec 5.9 pw-pair-5.9-client-checks-pb: 04, below p, on P-256
    if point is None:
        raise Failure.verification("pair/start: pB is not a valid P-256 point")
    K = mul(x, add(point, neg(mul(w, N))))  # K = h*x*(pB - w*N), h = 1
    if K is None:
        raise Failure.verification("pair/start: K is the identity")
    Ke, cA, expected_cB = confirmations(A, B, pA, pB, encode(K), w)
    del x, K  # spec 5.9: nothing of a failed attempt outlives it (Python cannot wipe memory)

    finish = json_answer(post_json(device, PAIR_FINISH, {
        "v": 1, "pairing_id": start["pairing_id"], "cA": b64url(cA),
    }, timeout), messages.check_pair_finish_response, "pair/finish answer")
    cB = messages.decode_b64url(finish["cB"], 32)
    if not hmac.compare_digest(cB, expected_cB):  # spec 13.11: constant time
        raise Failure.verification("pair/finish: cB did not verify")
    # Spec 3.2 and 5.9: the ids of the answer are those of the two keys.
    if finish["client_id"] != key_id("pwc_", A):
        raise Failure.verification("pair/finish: client_id is not the id of client_key")
    if finish["device_id"] != discovery["device_id"]:
        raise Failure.verification("pair/finish: device_id is not the id of device_key")
    pairing_key = hkdf_sha256(Ke, PAIRING_KEY_INFO, 32)  # spec 5.6, only now that cB verified
    return Credentials(device.origin, discovery["device_id"], device_key, finish["client_id"],
                       seed, pairing_key, name, int(time.time()))
