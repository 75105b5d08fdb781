"""Opening the DuckDB store file: settings, locking, migrations.

DuckDB lets one process write a file, or several read it; a second writer (or a reader while a
writer holds the file) gets ``E109``. Extension auto-loading is off, so nothing is ever fetched
at run time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from saidwhat.errors import SaidwhatError
from saidwhat.store import ddl

DEFAULT_DB = "saidwhat.duckdb"
INDEX_SUFFIX = ".search"
MEMORY_LIMIT = "512MB"


def index_path(db: str | Path) -> Path:
    """The search side index of the store at ``db``."""
    p = Path(db)
    return p.with_name(p.name + INDEX_SUFFIX)


def connect(db: str | Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the store at ``db``; when writing, create it or migrate it to the current version."""
    path = Path(db)
    if read_only and not path.exists():
        raise SaidwhatError("E001", f"{path}: no such store (run saidwhat ingest first)")
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": MEMORY_LIMIT,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise SaidwhatError("E109", f"{path}: {text.splitlines()[0]}") from exc
        raise SaidwhatError("E001", f"{path}: {text.splitlines()[0]}") from exc
    except duckdb.Error as exc:
        raise SaidwhatError("E001", f"{path}: {str(exc).splitlines()[0]}") from exc
    con.execute("SET enable_progress_bar = false")  # no bar of DuckDB's own on our output
    if read_only:
        version = ddl.stored_version(con)
        if version != ddl.STORE_VERSION:
            con.close()
            raise SaidwhatError(
                "E108",
                f"{path}: store version {version}, expected {ddl.STORE_VERSION} "
                "(open it once for writing, e.g. with saidwhat ingest, to migrate)",
            )
    else:
        ddl.migrate(con)
    return con


def meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of the ``meta`` table."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])
