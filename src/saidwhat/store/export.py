"""``saidwhat export`` and ``saidwhat import``: the store to and from the export format.

Export streams every table out of DuckDB in Arrow record batches (bounded memory), casts them to
the canonical schemas of :mod:`saidwhat.store.schema` and writes Parquet partitioned by
year/month (or one CSV / JSONL file per table). Import reads the three primary tables of a
Parquet export — written by saidwhat or by any tool that follows the format — into a new store
and recomputes what the store derives: latest versions, quotation representatives and keys,
story signatures. Ids (quotations, speakers, stories) are kept as given.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from saidwhat.errors import SaidwhatError
from saidwhat.store import db, identity, schema
from saidwhat.store.writer import insert, table_schema

FORMATS = ("parquet", "csv", "jsonl")
_BATCH = 20_000
_SOURCE = {"quotations": "quotations", "speakers": "speakers"}


def _quote(name: str) -> str:
    return f'"{name}"'


def _select(table: str) -> str:
    cols = ", ".join(_quote(c) for c in schema.TABLES[table].names)
    src = _SOURCE.get(table, table)
    if table in schema.PARTITIONED:
        day = schema.PARTITIONED[table]
        cols += (
            f", coalesce(year({day}), 0)::INTEGER AS year, "
            f"coalesce(month({day}), 0)::INTEGER AS month"
        )
    return f"SELECT {cols} FROM {src}"


def _batches(con: duckdb.DuckDBPyConnection, table: str) -> Iterator[pa.RecordBatch]:
    """The table's rows as canonical Arrow batches (partition columns appended)."""
    cursor = con.cursor()  # its own connection: no unfinished result of ``con`` in the way
    cursor.execute("SET enable_progress_bar = false")
    reader: pa.RecordBatchReader = cursor.sql(_select(table)).to_arrow_reader(_BATCH)
    target = _with_partitions(table)
    for batch in reader:
        data = pa.Table.from_batches([batch])
        cols = [schema.conform(table, data).column(i) for i in range(len(schema.TABLES[table]))]
        if table in schema.PARTITIONED:
            cols += [data.column("year").cast(pa.int32()), data.column("month").cast(pa.int32())]
        yield from pa.Table.from_arrays(cols, schema=target).to_batches()


def _with_partitions(table: str) -> pa.Schema:
    base = schema.file_schema(table)
    if table not in schema.PARTITIONED:
        return base
    return pa.schema(
        [*base, pa.field("year", pa.int32()), pa.field("month", pa.int32())],
        metadata=base.metadata,
    )


def _prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise SaidwhatError("E001", f"{out}: exists and is not empty (use --overwrite)")
        if not (out / schema.MANIFEST).exists():
            raise SaidwhatError("E110", f"{out}: refusing to overwrite a folder that is not one")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def export(
    con: duckdb.DuckDBPyConnection, out: Path, fmt: str = "parquet", *, overwrite: bool = False
) -> dict[str, int]:
    """Write every table of the store to ``out``; returns rows per table."""
    if fmt not in FORMATS:
        raise SaidwhatError("E006", f"export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    _prepare_out(out, overwrite)
    counts: dict[str, int] = {}
    for table in schema.TABLES:
        if fmt == "parquet":
            counts[table] = _write_parquet(con, table, out)
        else:
            counts[table] = _write_text(con, table, out / f"{table}.{fmt}", fmt)
    schema.write_manifest(
        out,
        counts,
        written_by="saidwhat",
        file_format=fmt,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        store_uuid=db.meta(con, "store_uuid"),
    )
    return counts


def _write_parquet(con: duckdb.DuckDBPyConnection, table: str, out: Path) -> int:
    count = 0

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal count
        for batch in _batches(con, table):
            count += batch.num_rows
            yield batch

    partitioning = None
    if table in schema.PARTITIONED:
        partitioning = ds.partitioning(
            pa.schema([pa.field("year", pa.int32()), pa.field("month", pa.int32())]),
            flavor="hive",
        )
    ds.write_dataset(
        counted(),
        out / table,
        schema=_with_partitions(table),
        format="parquet",
        partitioning=partitioning,
        basename_template="part-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_rows_per_group=64 * 1024,
    )
    if count == 0:  # an empty table still gets its schema
        (out / table).mkdir(parents=True, exist_ok=True)
        import pyarrow.parquet as pq

        pq.write_table(schema.file_schema(table).empty_table(), out / table / "part-0.parquet")
    return count


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _write_text(con: duckdb.DuckDBPyConnection, table: str, path: Path, fmt: str) -> int:
    """One CSV (lists and spans as JSON) or JSONL file for ``table``."""
    names = schema.TABLES[table].names
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(names)
        for batch in _batches(con, table):
            for row in batch.select(names).to_pylist():
                if writer is not None:
                    writer.writerow(
                        json.dumps(v, ensure_ascii=False, default=_plain)
                        if isinstance(v, list | dict)
                        else _plain(v)
                        for v in row.values()
                    )
                else:
                    fh.write(json.dumps(row, ensure_ascii=False, default=_plain) + "\n")
                count += 1
    return count


# --- import --------------------------------------------------------------------------------------


def _read(src: Path, table: str) -> Iterator[pa.Table]:
    folder = src / table
    if not folder.is_dir():
        if table in schema.PRIMARY_TABLES:
            raise SaidwhatError("E110", f"{src}: no {table}/ folder")
        return
    dataset = ds.dataset(folder, format="parquet", partitioning="hive")
    for batch in dataset.to_batches(batch_size=_BATCH):
        yield schema.conform(table, pa.Table.from_batches([batch]))


def import_export(src: Path, target: Path) -> dict[str, int]:
    """Build a new store at ``target`` from the Parquet export at ``src``; rows per table.

    The store is built as ``target.partial`` and renamed when complete, so a failed or killed
    import never leaves a half store under the real name.
    """
    try:
        schema.read_manifest(src)
    except ValueError as exc:
        raise SaidwhatError("E110", str(exc)) from exc
    if target.exists():
        raise SaidwhatError("E001", f"{target}: exists; import builds a new store")
    partial = target.with_name(target.name + ".partial")
    for p in (partial, Path(str(partial) + ".wal")):
        p.unlink(missing_ok=True)
    con = db.connect(partial, read_only=False)
    counts: dict[str, int] = {}
    try:
        seq = 0
        for table in (*schema.PRIMARY_TABLES, "errors"):
            counts[table] = 0
            for data in _read(src, table):
                extra: dict[str, Any] = {"batch_no": 1}
                if table == "articles":
                    extra.update(run_id="import", is_latest=False, superseded_batch=None)
                elif table in ("mentions", "article_speakers"):
                    extra["is_latest"] = False
                if table == "mentions":
                    extra["mention_seq"] = pa.array(range(seq + 1, seq + 1 + data.num_rows))
                    seq += data.num_rows
                _insert_table(
                    con,
                    table,
                    _with_extra(data, table, extra),
                    "OR IGNORE" if table == "errors" else "",
                )
                counts[table] += data.num_rows
        _derive(con)
        con.execute("UPDATE meta SET value = '1' WHERE key = 'batch_no'")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        for p in (partial, Path(str(partial) + ".wal")):
            p.unlink(missing_ok=True)
        raise
    con.close()
    partial.replace(target)
    return counts


def _insert_table(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table, how: str = "") -> None:
    view = f"_import_{name}"
    con.register(view, data)
    try:
        con.execute(f"INSERT {how} INTO {name} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


def _with_extra(data: pa.Table, table: str, extra: dict[str, Any]) -> pa.Table:
    out = data
    for f in table_schema(table):
        if f.name in out.column_names:
            continue
        value = extra.get(f.name)
        if isinstance(value, pa.Array):
            out = out.append_column(f.name, value.cast(f.type))
        else:
            out = out.append_column(f.name, pa.array([value] * out.num_rows, type=f.type))
    return out


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    """Latest versions, quotation representatives and keys, story signatures and keys."""
    latest = "(article_id, version) IN (SELECT article_id, max(version) FROM articles GROUP BY 1)"
    con.execute(f"UPDATE articles SET is_latest = true WHERE {latest}")
    con.execute(f"UPDATE mentions SET is_latest = true WHERE {latest}")
    con.execute(f"UPDATE article_speakers SET is_latest = true WHERE {latest}")
    con.execute("UPDATE articles a SET superseded_batch = 1 WHERE NOT a.is_latest")
    reader = con.cursor()
    reader.execute("SET enable_progress_bar = false")
    reps = reader.execute(
        "SELECT quotation_id, arg_min(text, mention_seq), arg_min(speaker_id, mention_seq), "
        "arg_min(speaker, mention_seq) FROM mentions GROUP BY 1 ORDER BY min(mention_seq)"
    )
    while rows := reps.fetchmany(_BATCH):
        rep_rows, key_rows = [], []
        for qid, text, sid, name in rows:
            qp = identity.quote_print(str(text))
            words = identity.name_words(str(name or ""))
            rep_rows.append(
                {
                    "quotation_id": qid,
                    "norm": qp.norm,
                    "speaker_id": sid,
                    "surname": words[-1] if words else None,
                    "local": False,
                    "batch_no": 1,
                }
            )
            key_rows += [{"key": k, "quotation_id": qid} for k in qp.keys]
        insert(con, "quotation_reps", rep_rows)
        insert(con, "quotation_keys", key_rows)
    con.execute(
        "UPDATE quotation_reps r SET local = true FROM article_speakers s "
        "WHERE s.speaker_id = r.speaker_id AND s.speaker_key LIKE 'local:%'"
    )
    arts = reader.execute(
        "SELECT article_id, version, story_id, substr(text, body_start + 1) FROM articles"
    )
    while rows := arts.fetchmany(2_000):
        sig_rows, key_rows = [], []
        for aid, ver, story, body in rows:
            sig = identity.story_signature(str(body))
            if sig is None:
                continue
            sig_rows.append(
                {"article_id": aid, "version": ver, "story_id": story, "sig": sig.tolist()}
            )
            key_rows += [
                {"key": k, "article_id": aid, "version": ver} for k in identity.story_keys(sig)
            ]
        insert(con, "story_sigs", sig_rows)
        insert(con, "story_keys", key_rows)
