"""Online backups: copy the hub and every community with SQLite's backup API, and restore them.

The copy is consistent even while the server writes (SQLite's backup API
restarts a page copy that a writer disturbs), so `bbs backup` needs no downtime.
A backup is a folder holding `hub.db`, `communities/<slug>.db` and a manifest.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path


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


def backup(data_dir: Path, dest: Path) -> list[Path]:
    """Copy every database of `data_dir` into the new folder `dest`; returns the copies."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    copies = []
    # Communities first, the hub last: a community the hub lists is always in the copy.
    sources = _databases(data_dir)
    for source in sources[1:] + sources[:1]:
        target = dest / source.relative_to(data_dir)
        _copy(source, target)
        copies.append(target)
    manifest = {"taken": time.time(), "files": [str(c.relative_to(dest)) for c in copies]}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return copies


def restore(source: Path, data_dir: Path) -> list[Path]:
    """Bring a backup back into `data_dir` (the server must be stopped); returns the files."""
    if not (source / "manifest.json").exists():
        raise FileNotFoundError(f"{source} is not a bbs backup (no manifest.json)")
    files = json.loads((source / "manifest.json").read_text())["files"]
    for name in files:
        if integrity(source / name) != "ok":
            raise ValueError(f"{name} in the backup fails its integrity check")
    restored = []
    for name in files:
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source / name, target)
        restored.append(target)
    return restored
