"""One host key for every host (`--host-key FILE`); serve refuses bad settings in words."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh
import pytest

from bbs.ssh.hostkey import HostKeyError, load_host_key, load_or_create_host_key


def test_a_given_key_file_is_used_instead_of_the_data_dirs(tmp_path: Path) -> None:
    first = load_or_create_host_key(tmp_path / "a")  # the first host's, made on first start
    shared = tmp_path / "shared_key"
    shared.write_bytes((tmp_path / "a" / "ssh_host_ed25519_key").read_bytes())
    shared.chmod(0o600)
    second = load_host_key(tmp_path / "b", str(shared))
    assert second.get_fingerprint("sha256") == first.get_fingerprint("sha256")
    assert not (tmp_path / "b" / "ssh_host_ed25519_key").exists()  # none made for host b


def test_a_missing_or_readable_by_others_key_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(HostKeyError, match="does not exist.*Copy the first host's key"):
        load_host_key(tmp_path, str(tmp_path / "nowhere"))
    key = tmp_path / "key"
    key.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    key.chmod(0o644)
    with pytest.raises(HostKeyError, match="chmod 600"):
        load_host_key(tmp_path, str(key))
    key.chmod(0o600)
    assert load_host_key(tmp_path, str(key)) is not None
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"


def test_serve_refuses_a_bad_bus_a_missing_key_or_a_bad_network_in_words(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bbs.cli import main

    runner = CliRunner()
    base = ["serve", "--data-dir", str(tmp_path), "--port", "0", "--empty"]
    done = runner.invoke(main, [*base, "--bus", "redis://10.0.0.5"])
    assert done.exit_code == 1 and "give nats://HOST:PORT" in done.output
    done = runner.invoke(main, [*base, "--host-key", str(tmp_path / "nowhere")])
    assert done.exit_code == 1 and "does not exist" in done.output
    (tmp_path / "bbs.toml").write_text('[bbs]\nproxy_protocol_from = "the balancer"\n')
    done = runner.invoke(main, base)
    assert done.exit_code == 1 and "proxy_protocol_from" in done.output
