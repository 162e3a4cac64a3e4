"""`flask --app server backup PATH` and `restore PATH` (OFFICE.md, Operations).

A backup is a consistent copy taken while the server runs: SQLite's online backup API (pages copied under a
read transaction, so writers only wait between steps), or `pg_dump` in its custom format on PostgreSQL.
Restoring puts the copy back and rotates the epoch (server/changes.py): every phone's next pull then answers
`reset` and takes a fresh snapshot, because the change log it followed is not the restored one.
Attachments and documents are files beside the database (HEATLEDGER_DATA_DIR) and are copied with it.
"""
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from .extensions import db


class BackupError(Exception):
    pass


def _libpq_url(url: sa.engine.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def backup(target: Path) -> str:
    """Write a consistent copy of the database to `target`; answers what was written."""
    url = db.engine.url
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        src = sqlite3.connect(_sqlite_path(url))
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst, pages=1024)  # in steps, so a writer is never held up for the whole copy
        finally:
            dst.close()
            src.close()
        return f"SQLite backup of {_sqlite_path(url).name}"
    if url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), "--dbname", _libpq_url(url)])
        return "pg_dump in custom format"
    raise BackupError(f"no backup for the {url.get_backend_name()} engine")


def restore(source: Path) -> str:
    """Put a backup back in place of the database, then rotate the epoch. Stop the server first."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        src = sqlite3.connect(source)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not a sound SQLite database")
            dst = sqlite3.connect(_sqlite_path(url))
            try:
                with dst:
                    src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError as e:
            raise BackupError(f"{source} is not a SQLite database: {e}") from None
        finally:
            src.close()
    elif url.get_backend_name() == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _libpq_url(url), str(source)], about=source)
    else:
        raise BackupError(f"no restore for the {url.get_backend_name()} engine")
    from .changes import rotate_epoch
    return rotate_epoch()


def _run(cmd: list[str], about: Path | None = None) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{cmd[0]} is not installed (PostgreSQL's client tools)")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{cmd[0]} failed{f' on {about}' if about else ''}: {done.stderr.strip()[-500:]}")
