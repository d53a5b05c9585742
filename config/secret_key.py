"""The local SECRET_KEY file: made once per checkout by `make`, never committed.

`python -m config.secret_key` creates it (random, owner-only) when missing;
settings read it when the SECRET_KEY variable is not set.
"""

import os
import secrets
import sys
from pathlib import Path


def read(path: Path) -> str:
    """The key stored in ``path``, or "" when there is no such file."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""


def create(path: Path) -> bool:
    """Write a new random key to ``path`` unless it exists; True when written."""
    try:
        # O_EXCL: two `make` runs at once must not overwrite each other's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    return True


def main() -> None:
    path = Path(
        os.environ.get("SECRET_KEY_FILE")
        or Path(__file__).resolve().parent.parent / ".secret_key"
    )
    if create(path):
        sys.stdout.write(f"created a random SECRET_KEY in {path}\n")


if __name__ == "__main__":
    main()
