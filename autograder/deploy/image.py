"""Which code a grading image was built from, so `autograder doctor` can call it current.

The image carries the digest of the package's Python files as a label (scripts/
build-image.sh passes it to `docker build`); the doctor computes the digest of the
package it runs and compares. A version number alone would call an image current after
any number of changes to the worker.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SOURCE_LABEL = "org.autograder.source"
PACKAGE = Path(__file__).resolve().parents[1]


def source_digest(package: Path = PACKAGE) -> str:
    """sha256 over the package's Python files: their paths and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


if __name__ == "__main__":
    print(source_digest())
