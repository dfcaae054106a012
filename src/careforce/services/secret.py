"""The per-installation pseudonymisation key, kept outside the database.

Whoever holds the database but not this key cannot turn a person key back into an identifier by
hashing candidate NI numbers. `careforce init` creates it; every import reads it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from careforce.domain import UserError

SECRET_ENV = "CAREFORCE_SECRET_FILE"
_KEY_BYTES = 32


def secret_path() -> Path:
    """`CAREFORCE_SECRET_FILE`, else the user's configuration folder."""
    explicit = os.environ.get(SECRET_ENV)
    if explicit:
        return Path(explicit).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "careforce" / "secret.key"


def ensure_secret() -> tuple[Path, bool]:
    """Create the key if there is none; returns its path and whether it was created now."""
    path = secret_path()
    if path.exists():
        load_secret()
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(_KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return path, True


def load_secret() -> bytes:
    path = secret_path()
    if not path.exists():
        raise UserError(
            f"no pseudonymisation key at {path}; run `careforce init` first "
            f"(or point {SECRET_ENV} at the installation's key file)"
        )
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise UserError(f"the key file {path} is damaged: it must hold at least 32 hex characters")
    return key
