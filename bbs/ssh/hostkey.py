"""The server's persistent ed25519 host key: made on first start, owner-only, reused."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import asyncssh

log = logging.getLogger(__name__)

HOST_KEY_NAME = "ssh_host_ed25519_key"


class HostKeyError(RuntimeError):
    """The host key exists but cannot be used; the message says why, for the sysop."""


def host_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / HOST_KEY_NAME


def load_or_create_host_key(data_dir: Path) -> asyncssh.SSHKey:
    """Read DATA_DIR/ssh_host_ed25519_key, or generate it (mode 0600); returns the key."""
    path = host_key_path(data_dir)
    if path.exists():
        try:
            return asyncssh.read_private_key(str(path))
        except (OSError, asyncssh.KeyImportError) as error:
            raise HostKeyError(
                f"Cannot read the host key {path}: {error}. Fix its permissions or move it "
                "away to generate a new one (clients will then warn that the key changed)."
            ) from error
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key.export_private_key())
    os.chmod(path, 0o600)
    public = path.with_suffix(".pub")
    public.write_bytes(key.export_public_key())
    log.info("generated host key %s (%s)", path, fingerprint(key))
    return key


def fingerprint(key: asyncssh.SSHKey) -> str:
    """The SHA256 fingerprint as OpenSSH prints it."""
    return key.get_fingerprint("sha256")
