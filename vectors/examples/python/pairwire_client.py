#!/usr/bin/env python3
"""A Pairwire 1 client adapter in Python (spec 12.3), written from spec/ alone.

    pairwire_client.py pair   --url URL --pin PIN --credentials FILE [--name NAME]
    pairwire_client.py call   --credentials FILE --method M --params JSON [--alg ALG]
    pairwire_client.py unpair --credentials FILE [--alg ALG]
    pairwire_client.py signed-call --credentials FILE --method M --params JSON [--alg ALG]

Every subcommand also takes --timeout SECONDS (default 30). --alg (ed25519, the default, or
hmac-sha256) picks the algorithm of the signed requests (spec 8.3); a client may sign with either.
signed-call is the optional subcommand of spec 12.3 (POST /pairwire/v1/rpc, spec 8.9). Before a
session or a signed request the adapter reads discovery and stops when the device is not the one
it paired with (spec 4.4). On success one JSON object goes to stdout and the exit code is 0:
pair {"client_id", "device_id"}, call and signed-call the JSON-RPC response as received, unpair
{"client_id"}. On failure stderr gets {"error": {"problem", "close_code", "message"}} and the
exit code names the failure: 1 the device refused (a problem answer or a close code), 2 the
device failed this client's verification, 3 usage or I/O (bad arguments, unreadable
credentials, device unreachable). Standard library and `cryptography` only; nothing printed ever
holds a secret.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import client_http  # noqa: E402
import client_pairing  # noqa: E402
import client_session  # noqa: E402
import credentials as credentials_file  # noqa: E402
from client_http import Device, Failure  # noqa: E402

DEFAULT_NAME = "pairwire-python"
DEFAULT_TIMEOUT = 30
CLIENTS_SELF = "/pairwire/v1/clients/self"
# The options of each subcommand: (required, optional); --timeout goes with all of them.
OPTIONS = {
    "pair": ({"url", "pin", "credentials"}, {"name"}),
    "call": ({"credentials", "method", "params"}, {"alg"}),
    "unpair": ({"credentials"}, {"alg"}),
    "signed-call": ({"credentials", "method", "params"}, {"alg"}),  # optional (spec 12.3)
}
USAGE = "usage: pairwire_client.py pair|call|unpair|signed-call --option VALUE ... (spec 12.3)"


def parse_arguments(argv):
    """`subcommand --name value ...`; anything else is a usage error (exit 3, not argparse's 2)."""
    if not argv or argv[0] not in OPTIONS:
        raise Failure.usage(USAGE)
    required, optional = OPTIONS[argv[0]]
    values, rest = {}, argv[1:]
    while rest:
        if len(rest) < 2 or not rest[0].startswith("--"):
            raise Failure.usage(USAGE)
        name = rest[0][2:]
        if name not in required | optional | {"timeout"} or name in values:
            raise Failure.usage("%s takes no --%s, or takes it once" % (argv[0], name))
        values[name], rest = rest[1], rest[2:]
    missing = sorted(required - set(values))
    if missing:
        raise Failure.usage("%s needs --%s" % (argv[0], " --".join(missing)))
    return argv[0], values


def options_of(values):
    timeout = values.get("timeout", str(DEFAULT_TIMEOUT))
    if not timeout.isdigit() or not timeout.isascii() or int(timeout) < 1:
        raise Failure.usage("--timeout must be whole seconds")
    alg = values.get("alg", "ed25519")
    if alg not in ("ed25519", "hmac-sha256"):
        raise Failure.usage("--alg must be ed25519 or hmac-sha256")
    return int(timeout), alg


def params_of(text):
    """JSON-RPC 2.0 section 4.2: params is an object or an array."""
    try:
        value = json.loads(text)
    except ValueError:
        raise Failure.usage("--params must be JSON")
    if not isinstance(value, (dict, list)):
        raise Failure.usage("--params must be a JSON object or array")
    return value


def run(command, values):
    timeout, alg = options_of(values)
    path = values["credentials"]
    if command == "pair":
        device = Device(values["url"])
        credentials_file.check_writable(path)
        paired = client_pairing.pair(device, values["pin"], values.get("name", DEFAULT_NAME),
                                     timeout)
        credentials_file.write(path, paired)  # spec 12.3: only after the pairing succeeded
        return json.dumps({"client_id": paired.client_id, "device_id": paired.device_id})
    credentials = credentials_file.read(path)
    device = Device(credentials.url)
    discovery = client_pairing.check_pinned(device, credentials, timeout)
    if command == "call":
        params = params_of(values["params"])
        return client_session.call(device, credentials, values["method"], params, alg,
                                   discovery["limits"], timeout)
    if command == "signed-call":
        params = params_of(values["params"])
        return client_http.signed_rpc(device, credentials, values["method"], params, alg,
                                      timeout)
    answer = client_http.signed_request(device, credentials, "DELETE", CLIENTS_SELF, None, alg,
                                        timeout)
    client_http.no_content_answer(answer)  # spec 9.2: 204
    return json.dumps({"client_id": credentials.client_id})


def main(argv):
    try:
        command, values = parse_arguments(argv)
        output = run(command, values)
    except Failure as failure:
        report = {"problem": failure.problem, "close_code": failure.close_code,
                  "message": str(failure)}
        sys.stderr.write(json.dumps({"error": report}) + "\n")
        return failure.exit_code
    except Exception as error:  # a bug of this adapter: reported like the usage and I/O errors
        report = {"problem": None, "close_code": None,
                  "message": "unexpected failure: %s" % type(error).__name__}
        sys.stderr.write(json.dumps({"error": report}) + "\n")
        return client_http.EXIT_USAGE
    sys.stdout.write(output + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
