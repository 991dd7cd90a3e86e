"""The Python client's credentials file (spec 5.9, 9.5, 12.3): one JSON object, mode 0600.

The members are those the reference client keeps (url, device_id, device_key, client_id,
client_seed, pairing_key, name, paired_at), so either client can read the other's file. Two are
secrets, client_seed and pairing_key; nothing this adapter prints ever holds them. The file is
written once, after the pairing succeeded, through a fresh temporary file created with mode 0600
in the same directory and renamed over the target, so no other user can read it at any moment.
"""

import json
import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from client_http import Device, Failure
from common import b64url, sha256
from messages import ID, decode_b64url

OWNER_ONLY = 0o600


def key_id(prefix, public_key):
    """Spec 3.2: prefix || base64url(SHA-256(public key)[0..15])."""
    return prefix + b64url(sha256(public_key)[:16])


def public_key_of(seed):
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Credentials:
    def __init__(self, url, device_id, device_key, client_id, seed, pairing_key, name, paired_at):
        self.url, self.device_id, self.device_key = url, device_id, device_key
        self.client_id, self.seed, self.pairing_key = client_id, seed, pairing_key
        self.name, self.paired_at = name, paired_at

    def to_json(self):
        return {"v": 1, "url": self.url, "device_id": self.device_id,
                "device_key": b64url(self.device_key), "client_id": self.client_id,
                "client_seed": b64url(self.seed), "pairing_key": b64url(self.pairing_key),
                "name": self.name, "paired_at": self.paired_at}


def check_writable(path):
    """Checked before pairing, so a pairing the device records is not lost for want of a file."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.access(directory, os.W_OK | os.X_OK) or os.path.isdir(path):
        raise Failure.usage("the credentials file cannot be written: " + path)


def write(path, credentials):
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, ".%s.%s.tmp" % (os.path.basename(path),
                                                        os.urandom(6).hex()))
    try:
        # O_EXCL: a new file created with mode 0600, never an existing one reopened.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        try:
            os.fchmod(descriptor, OWNER_ONLY)  # whatever the umask left of it
            os.write(descriptor, (json.dumps(credentials.to_json(), indent=2) + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise Failure.usage("the credentials file cannot be written: " + path)


def read(path):
    """Reads and checks a credentials file; a defect is a usage error (exit 3) naming no secret."""
    try:
        with open(path, "rb") as handle:
            doc = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        raise Failure.usage("the credentials file cannot be read: " + path)
    invalid = Failure.usage("the credentials file is invalid: " + path)
    names = ("v", "url", "device_id", "device_key", "client_id", "client_seed", "pairing_key",
             "name", "paired_at")
    if (not isinstance(doc, dict) or set(doc) != set(names) or doc["v"] != 1
            or not isinstance(doc["name"], str) or type(doc["paired_at"]) is not int):
        raise invalid
    seed, pairing_key = decode_b64url(doc["client_seed"], 32), decode_b64url(doc["pairing_key"], 32)
    device_key = decode_b64url(doc["device_key"], 32)
    if None in (seed, pairing_key, device_key) or not all(
            isinstance(doc[n], str) and ID.fullmatch(doc[n]) for n in ("client_id", "device_id")):
        raise invalid
    # Spec 3.2: both ids are the fingerprints of their keys; a damaged file fails here, early.
    if (key_id("pwc_", public_key_of(seed)) != doc["client_id"]
            or key_id("pwd_", device_key) != doc["device_id"]):
        raise invalid
    if not isinstance(doc["url"], str) or Device(doc["url"]).origin != doc["url"]:
        raise invalid
    return Credentials(doc["url"], doc["device_id"], device_key, doc["client_id"], seed,
                       pairing_key, doc["name"], doc["paired_at"])
