#!/usr/bin/env python3
"""Independent check of the zaparoo-v1 vectors (spec/profiles/zaparoo-v1.md section 5).

Standard library plus `cryptography` (AES-GCM only). P-256 arithmetic is plain integer affine
math, written from SEC 1 v2 section 2.2.1, so it shares no code with @noble/curves. Exits 0 when
every vector and upstream known answer matches, 1 otherwise; prints the counts.
"""
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

P = 2**256 - 2**224 + 2**192 + 2**96 - 1
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)
U = (793136080485469241208656611513609866400481671852,
     59748757929350367369315811184980635230185250460108398961713395032485227207304)
V = (1086685267857089638167386722555472967068468061489,
     9157340230202296554417312816309453883742349874205386245733062928888341584123)


def on_curve(p):
    x, y = p
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x - 3 * x + B)) % P == 0


def add(p, q):
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        lam = (3 * p[0] * p[0] - 3) * pow(2 * p[1], -1, P) % P
    else:
        lam = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (lam * lam - p[0] - q[0]) % P
    return (x, (lam * (p[0] - x) - p[1]) % P)


def mul(k, p):
    r = None
    while k:
        if k & 1:
            r = add(r, p)
        p = add(p, p)
        k >>= 1
    return r


def neg(p):
    return (p[0], (-p[1]) % P)


def minimal(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def aff(p):
    return (0, 0) if p is None else p


def hkdf(salt, ikm, info, n):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out, i = out + t, i + 1
    return out[:n]


def lp(x):
    return struct.pack(">I", len(x)) + x


def confirm(key, role, name, a, b):
    parts = [b"zaparoo-v1", b"p256", role.encode(), name.encode(), a, b]
    return hmac.new(key, b"".join(lp(x) for x in parts), hashlib.sha256).digest()


def nonce(base, counter):
    if counter >= 2**64 - 1:
        raise OverflowError("counter exhausted")
    return base[:4] + bytes(a ^ b for a, b in zip(base[4:], counter.to_bytes(8, "big")))


def check_pairing(t):
    pin = t["pin"].encode()
    pw = int.from_bytes(pin, "big")
    alpha, beta = int(t["alpha"], 16), int(t["beta"], 16)
    X = add(mul(pw, U), mul(alpha, G))
    Y = add(mul(pw, V), mul(beta, G))
    assert on_curve(X) and on_curve(Y)
    Zs = aff(mul(beta, add(X, neg(mul(pw, U)))))
    Zc = aff(mul(alpha, add(Y, neg(mul(pw, V)))))
    assert Zs == Zc
    K = hashlib.sha256(pin + b"".join(minimal(n) for n in (*X, *Y, *Zs))).digest()
    a, b = t["msgA"].encode(), t["msgB"].encode()
    ma, mb = json.loads(a), json.loads(b)
    assert (int(ma["xx"]), int(ma["xy"])) == X and (int(mb["yx"]), int(mb["yy"])) == Y
    prk_salt = a + b
    ka = hkdf(prk_salt, K, b"zaparoo-confirm-A", 32)
    kb = hkdf(prk_salt, K, b"zaparoo-confirm-B", 32)
    pk = hkdf(prk_salt, K, b"zaparoo-pairing-v1", 32)
    got = [K.hex(), ka.hex(), kb.hex(), pk.hex(),
           confirm(ka, "client", t["name"], a, b).hex(), confirm(kb, "server", t["name"], a, b).hex()]
    want = [t["K"], t["confirmKeyA"], t["confirmKeyB"], t["pairingKey"],
            t["clientConfirm"], t["serverConfirm"]]
    return got == want


def check_transcript(t):
    key = bytes.fromhex(t["keyHex"])
    return confirm(key, t["role"], t["name"], t["msgA"].encode(), t["msgB"].encode()).hex() == t["mac"]


def check_kdf(t):
    pk, salt = bytes.fromhex(t["pairingKey"]), bytes.fromhex(t["salt"])
    got = [hkdf(salt, pk, i, n).hex() for i, n in ((b"zaparoo-c2s-v1", 32), (b"zaparoo-s2c-v1", 32),
                                                   (b"zaparoo-c2s-nonce-v1", 12), (b"zaparoo-s2c-nonce-v1", 12))]
    return got == [t["c2sKey"], t["s2cKey"], t["c2sBase"], t["s2cBase"]]


def check_nonce(t):
    base, counter = bytes.fromhex(t["base"]), int(t["counter"])
    try:
        n = nonce(base, counter)
    except OverflowError:
        return t["result"] == "invalid"
    sealed = AESGCM(bytes.fromhex(t["key"])).encrypt(n, bytes.fromhex(t["plaintext"]), t["aad"].encode())
    return t["result"] == "valid" and n.hex() == t["nonce"] and sealed.hex() == t["sealed"]


def check_session(t):
    pk, salt = bytes.fromhex(t["pairingKey"]), bytes.fromhex(t["salt"])
    keys = {"c2s": (hkdf(salt, pk, b"zaparoo-c2s-v1", 32), hkdf(salt, pk, b"zaparoo-c2s-nonce-v1", 12)),
            "s2c": (hkdf(salt, pk, b"zaparoo-s2c-v1", 32), hkdf(salt, pk, b"zaparoo-s2c-nonce-v1", 12))}
    counters = {"c2s": 0, "s2c": 0}
    aad = (t["authToken"] + ":ws").encode()
    import base64
    for f in t["frames"]:
        d = f["direction"]
        key, base = keys[d]
        if int(f["counter"]) != counters[d]:
            return False
        pt = AESGCM(key).decrypt(nonce(base, counters[d]), base64.b64decode(f["e"]), aad)
        if pt.decode() != f["plaintext"]:
            return False
        counters[d] += 1
    return True


def check_upstream(u):
    f = u["pairingHmacFrozen"]
    k = f["keyAscii"].encode()
    ok = [confirm(k, "client", f["name"], f["msgA"].encode(), f["msgB"].encode()).hex() == f["client"],
          confirm(k, "server", f["name"], f["msgA"].encode(), f["msgB"].encode()).hex() == f["server"]]
    n = u["nonceXor"]
    ok += [nonce(bytes.fromhex(n["baseHex"]), int(x["counter"])).hex() == x["nonceHex"] for x in n["nonces"]]
    g = u["clientPakeGolden"]
    X = add(mul(int.from_bytes(g["pin"].encode(), "big"), U), mul(int(g["alphaHex"], 16), G))
    ok.append(X == (int(g["xx"]), int(g["xy"])))
    return ok


CHECKS = {"PairingTest": check_pairing, "TranscriptHmacTest": check_transcript,
          "SessionKdfTest": check_kdf, "NonceFrameTest": check_nonce, "SessionFrameTest": check_session}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    generated = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "generated.json")
    with open(generated) as f:
        gen = json.load(f)
    with open(os.path.join(here, "..", "..", "external", "zaparoo-v1-upstream.json")) as f:
        up = json.load(f)
    assert on_curve(U) and on_curve(V)
    passed = failed = 0
    for group in gen["testGroups"]:
        for t in group["tests"]:
            if CHECKS[group["type"]](t):
                passed += 1
            else:
                failed += 1
                print(f"FAIL tcId {t['tcId']}: {t['comment']}")
    ups = check_upstream(up)
    print(f"generated: {passed} passed, {failed} failed of {gen['numberOfTests']}; "
          f"upstream: {sum(ups)} of {len(ups)} known answers")
    return 0 if failed == 0 and passed == gen["numberOfTests"] and all(ups) else 1


if __name__ == "__main__":
    sys.exit(main())
