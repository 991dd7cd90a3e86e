"""Checks vectors/pairing.json (Pairwire spec section 5): SPAKE2 (RFC 9382) over P-256.

P-256 arithmetic is written out with Python integers (affine coordinates, None = identity) so
that every step of the spec can be read here; it is slow and not constant-time, which is fine for
checking vectors and never fine for a real implementation.
"""

import functools
import hmac
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common import b64url, expect, expect_equal, hkdf_sha256, hmac_sha256, lp, sha256, unhex

# SEC 2 / FIPS 186-4 P-256: y^2 = x^3 - 3x + b over GF(p), generator G of prime order n.
p = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
b = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)

DST = b"pairwire/1 spake2 w"
AAD = b"pairwire/1 pairing"
PAIRING_KEY_INFO = b"pairwire/1 pairing key"
PROBLEM = "urn:pairwire:error:"


def on_curve(point):
    x, y = point
    return (y * y - (x * x * x - 3 * x + b)) % p == 0


def add(P, Q):
    if P is None:
        return Q
    if Q is None:
        return P
    (x1, y1), (x2, y2) = P, Q
    if x1 == x2 and (y1 + y2) % p == 0:
        return None
    if P == Q:
        slope = (3 * x1 * x1 - 3) * pow(2 * y1, -1, p) % p
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (slope * slope - x1 - x2) % p
    return (x3, (slope * (x1 - x3) - y1) % p)


def neg(P):
    return None if P is None else (P[0], -P[1] % p)


@functools.lru_cache(maxsize=None)  # the same w*M, x*G ... recur across vectors
def mul(k, P):
    result = None
    for bit in bin(k)[2:]:
        result = add(result, result)
        if bit == "1":
            result = add(result, P)
    return result


def decompress(data):
    """SEC 1 section 2.3.4 for a 33-byte compressed point (M and N of RFC 9382 section 6)."""
    x = int.from_bytes(data[1:], "big")
    y = pow((x ** 3 - 3 * x + b) % p, (p + 1) // 4, p)
    if y % 2 != data[0] % 2:
        y = p - y
    return (x, y)


M = decompress(unhex("02886e2f97ace46e55ba9dd7242579f2993b64e16ef3dcab95afd497333d8fa12f"))
N = decompress(unhex("03d8bbd6c639c62937b04d997f38c3770719c629d7014d49a24b4f98baa1292b49"))


def encode(P):
    return b"\x04" + P[0].to_bytes(32, "big") + P[1].to_bytes(32, "big")


def decode_share(data):
    """Spec section 5.7 step 2: exactly 65 bytes, prefix 04, coordinates below p, on the curve."""
    if len(data) != 65 or data[0] != 4:
        return None
    x, y = int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big")
    if x >= p or y >= p or not on_curve((x, y)):
        return None
    return (x, y)


def expand_message_xmd(msg, dst, length):
    """RFC 9380 section 5.3.1 with SHA-256 (b_in_bytes 32, s_in_bytes 64)."""
    dst_prime = dst + bytes([len(dst)])
    b0 = sha256(bytes(64) + msg + length.to_bytes(2, "big") + b"\x00" + dst_prime)
    blocks = [sha256(b0 + b"\x01" + dst_prime)]
    while len(blocks) * 32 < length:
        mixed = bytes(u ^ v for u, v in zip(b0, blocks[-1]))
        blocks.append(sha256(mixed + bytes([len(blocks) + 1]) + dst_prime))
    return b"".join(blocks)[:length]


def is_pin(pin):
    return re.fullmatch(r"[0-9]{6}", pin, re.ASCII) is not None


def is_trivial(pin):
    steps = {ord(pin[i + 1]) - ord(pin[i]) for i in range(5)}
    return steps in ({0}, {1}, {-1})


def password_scalar(pin):
    """Spec section 5.5: w = OS2IP(expand_message_xmd(PIN, DST, 48)) mod n."""
    if not is_pin(pin):
        raise ValueError("PIN is not six ASCII digits")
    return int.from_bytes(expand_message_xmd(pin.encode("ascii"), DST, 48), "big") % n


def ed25519_public(seed):
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_schedule(A, B, pA, pB, K, w):
    """RFC 9382 sections 3.3 and 4 with the Pairwire AAD; returns every derived value."""
    TT = lp(A) + lp(B) + lp(pA) + lp(pB) + lp(K) + lp(w.to_bytes(32, "big"))
    digest = sha256(TT)
    Ke, Ka = digest[:16], digest[16:]
    Kc = hkdf_sha256(Ka, b"ConfirmationKeys" + AAD, 32)
    KcA, KcB = Kc[:16], Kc[16:]
    return {"TT": TT, "Ke": Ke, "Ka": Ka, "KcA": KcA, "KcB": KcB,
            "cA": hmac_sha256(KcA, TT), "cB": hmac_sha256(KcB, TT),
            "pairing_key": hkdf_sha256(Ke, PAIRING_KEY_INFO, 32)}


def device_k(y, w, pA_bytes):
    """Spec section 5.5: K = h*y*(pA - w*M); None when pA is no point or K is the identity."""
    pA = decode_share(pA_bytes)
    return None if pA is None else mul(y, add(pA, neg(mul(w, M))))


def client_k(x, w, pB_bytes):
    pB = decode_share(pB_bytes)
    return None if pB is None else mul(x, add(pB, neg(mul(w, N))))


def check_password_scalar(group, test):
    if test["result"] == "valid":
        expect_equal(password_scalar(test["pin"]).to_bytes(32, "big").hex(), test["w"], "w")
    else:
        expect(not is_pin(test["pin"]), "the PIN must be refused")


def check_pin_rule(group, test):
    expect(is_pin(test["pin"]), "six digits")
    expect_equal(is_trivial(test["pin"]), test["result"] == "invalid", "trivial")


def check_pairing(group, test):
    expect_equal(test["result"], "valid", "result")
    A, B = ed25519_public(unhex(test["client_seed"])), ed25519_public(unhex(test["device_seed"]))
    x, y, w = int(test["x"], 16), int(test["y"], 16), password_scalar(test["pin"])
    pA, pB = encode(add(mul(x, G), mul(w, M))), encode(add(mul(y, G), mul(w, N)))
    K = client_k(x, w, pB)
    expect(K is not None and K == device_k(y, w, pA), "both sides compute the same K")
    got = key_schedule(A, B, pA, pB, encode(K), w)
    got.update(client_key=A, device_key=B, pA=pA, pB=pB, K=encode(K), w=w.to_bytes(32, "big"))
    for name, value in got.items():
        expect_equal(value.hex(), test[name], name)
    expect_equal("pwc_" + b64url(sha256(A)[:16]), test["client_id"], "client_id")
    expect_equal("pwd_" + b64url(sha256(B)[:16]), test["device_id"], "device_id")
    expect_equal(group["aad"], AAD.hex(), "aad")


def check_confirmation(group, test):
    A, B = unhex(group["client_key"]), unhex(group["device_key"])
    x, y = int(test["x"], 16), int(test["y"], 16)
    w_client, w_device = password_scalar(test["client_pin"]), password_scalar(test["device_pin"])
    expect_equal(encode(add(mul(x, G), mul(w_client, M))).hex(), test["pA"], "pA")
    expect_equal(encode(add(mul(y, G), mul(w_device, N))).hex(), test["pB"], "pB")
    K = device_k(y, w_device, unhex(test["pA"]))
    keys = key_schedule(A, B, unhex(test["pA"]), unhex(test["pB"]), encode(K), w_device)
    expect(not hmac.compare_digest(keys["cA"], unhex(test["cA"])), "cA must not verify")
    answer = (test["problem"], test["status"])
    expect_equal(answer, (PROBLEM + "confirmation-failed", 403), "answer")


def check_invalid_share(group, test):
    w, y = password_scalar(group["pin"]), int(group["y"], 16)
    share = unhex(test["pA"])
    if len(share) != 65:
        # Spec section 5.7: another decoded length fails the schema (pw-pair-5.7-share-length).
        answer = ("pair/start", PROBLEM + "malformed-request", 400)
    elif decode_share(share) is None:
        answer = ("pair/start", PROBLEM + "invalid-share", 400)
    elif device_k(y, w, share) is None:
        # Spec section 5.7: K at the identity gets a normal pair/start answer, then cA fails.
        answer = ("pair/finish", PROBLEM + "confirmation-failed", 403)
    else:
        answer = None
    expect_equal(answer, (test["request"], test["problem"], test["status"]), "answer")


def check_invalid_peer_share(group, test):
    w, x = password_scalar(group["pin"]), int(group["x"], 16)
    expect_equal(encode(add(mul(x, G), mul(w, M))).hex(), group["pA"], "pA")
    expect(client_k(x, w, unhex(test["pB"])) is None, "the client must abort")


CHECKS = {
    "PasswordScalarTest": check_password_scalar,
    "PinRuleTest": check_pin_rule,
    "PairingTest": check_pairing,
    "ConfirmationTest": check_confirmation,
    "InvalidShareTest": check_invalid_share,
    "InvalidPeerShareTest": check_invalid_peer_share,
}


def verify(doc, tally):
    for group in doc["testGroups"]:
        check = CHECKS[group["type"]]
        for test in group["tests"]:
            tally.run(test, check, group, test)
