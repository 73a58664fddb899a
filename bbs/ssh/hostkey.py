"""The server's persistent ed25519 host key: made on first start, owner-only, reused.

Several hosts behind one address must show clients one key (`--host-key FILE`, or the
same data dir): a client that meets a second key warns that the host changed.
"""

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


def load_host_key(data_dir: Path, host_key: str = "") -> asyncssh.SSHKey:
    """The key given (`host_key`, a file that must exist), else DATA_DIR's (made if need be)."""
    if not host_key:
        return load_or_create_host_key(data_dir)
    path = Path(host_key)
    if not path.exists():
        raise HostKeyError(
            f"The host key {path} does not exist. Copy the first host's key there "
            "(owner-only: chmod 600), or leave --host-key out to use the data dir's."
        )
    return read_host_key(path)


def read_host_key(path: Path) -> asyncssh.SSHKey:
    """Read a private host key that only its owner can read (OpenSSH insists on that too)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError as error:
        raise HostKeyError(f"Cannot read the host key {path}: {error}.") from error
    if mode & 0o077:
        raise HostKeyError(
            f"The host key {path} can be read by others (mode {mode:04o}): chmod 600 it."
        )
    try:
        return asyncssh.read_private_key(str(path))
    except (OSError, asyncssh.KeyImportError) as error:
        raise HostKeyError(
            f"Cannot read the host key {path}: {error}. Fix its permissions or move it "
            "away to generate a new one (clients will then warn that the key changed)."
        ) from error


def load_or_create_host_key(data_dir: Path) -> asyncssh.SSHKey:
    """Read DATA_DIR/ssh_host_ed25519_key, or generate it (mode 0600); returns the key."""
    path = host_key_path(data_dir)
    if path.exists():
        return read_host_key(path)
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
