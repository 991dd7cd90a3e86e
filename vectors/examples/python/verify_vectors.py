#!/usr/bin/env python3
"""Verifies the Pairwire test vectors (vectors/pairing.json, session.json, signing.json).

A standalone consumer in Python 3 with the standard library and `cryptography` only, written
from the Pairwire specification (spec/) rather than from the TypeScript implementation. For each
file it prints "<file>: N passed, N failed" and exits 1 when any vector fails.

    python3 vectors/examples/python/verify_vectors.py [vectors directory]
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import pairing  # noqa: E402
import session  # noqa: E402
import signing  # noqa: E402
from common import Tally  # noqa: E402

FILES = (("pairing.json", pairing), ("session.json", session), ("signing.json", signing))


def verify_file(directory, name, module):
    tally = Tally(name)
    with open(os.path.join(directory, name), encoding="utf-8") as handle:
        doc = json.load(handle)
    tally.check_numbering(doc)
    try:
        module.verify(doc, tally)
    except Exception as error:  # a group this consumer cannot read fails the file
        tally.failed += 1
        tally.messages.append("%s: %r" % (name, error))
    return tally


def main(argv):
    directory = argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "..")
    failed = 0
    for name, module in FILES:
        tally = verify_file(directory, name, module)
        for message in tally.messages:
            print(message)
        print("%s: %d passed, %d failed" % (name, tally.passed, tally.failed))
        failed += tally.failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
