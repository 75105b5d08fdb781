"""The Spark job: articles from JSONL, Parquet or WARC files in, the store's export format out.

Run it as ``saidwhat spark INPUT… OUTPUT`` or, on a cluster, ``spark-submit … -m``-style as
``python -m saidwhat.scale.spark INPUT… OUTPUT`` (same options). The plan:

1. list the inputs (any Hadoop-compatible URI; folders recursively, hidden files skipped) and
   read them by kind: JSONL lines with ``spark.read.text``, Parquet with ``spark.read.parquet``,
   WARC files with ``binaryFiles``; Python workers turn them into raw rows
   (:mod:`saidwhat.scale.inputs`) with the readers ``saidwhat extract`` uses;
2. hash-partition the raw rows by article id into ``--partitions`` tasks, and mark within each
   id the first record in input order (later ones: exact duplicates are dropped, other texts are
   ``E106`` errors);
3. extract with ``mapInArrow`` (:func:`saidwhat.scale.rows.extract_batches`, model loaded once
   per Python worker, Arrow rows only), and persist the results;
4. write ``articles``, ``mentions``, ``article_speakers`` partitioned by year/month, ``errors``,
   and the derived ``quotations`` and ``speakers``, each with ``mode("overwrite")``, then the
   manifest ``_saidwhat.json`` last: an output folder is complete when it has the manifest.

Retries: every step is deterministic (hash partitioning, ids derived from the rows, one
``ingested_at`` per run), and Spark's commit protocol publishes only one attempt of each task, so
a task retried after its executor died writes the same rows once. A re-run of the whole job
replaces the output folder (only a folder that is empty or holds a saidwhat output: anything
else is refused with ``E202``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from saidwhat.errors import SaidwhatError
from saidwhat.pipeline import DEFAULT_MODEL
from saidwhat.scale import inputs
from saidwhat.scale.rows import BATCH, DEFAULT_EXTRACTOR, RESULT, Settings, extract_batches
from saidwhat.store import schema
from saidwhat.text.tables import Columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

RUN_MARKER = "_saidwhat_run.json"
"""Written first, removed last: an output folder holding it is a run in progress or a failed
one (its tables may be partial)."""

WRITTEN_BY = "saidwhat spark"

QUOTATIONS_SQL = """
SELECT quotation_id,
    min_by(text, ord) AS text,
    min_by(kind, ord) AS kind,
    min_by(speaker_id, ord) FILTER (WHERE speaker_id IS NOT NULL) AS speaker_id,
    min_by(speaker, ord) FILTER (WHERE speaker_id IS NOT NULL) AS speaker,
    min(published) AS first_published,
    min_by(article_id, ord) AS first_article_id,
    min_by(outlet, ord) AS first_outlet,
    array_sort(collect_set(article_id)) AS article_ids,
    array_sort(collect_set(outlet)) AS outlets,
    CAST(count(DISTINCT article_id) AS INT) AS mention_count,
    CAST(count(DISTINCT story_id) AS INT) AS count
FROM (SELECT *, struct(coalesce(published, DATE'9999-12-31') AS d, article_id AS a, start AS s)
        AS ord FROM {mentions})
GROUP BY quotation_id
"""
"""The store's ``quotations`` view (``saidwhat.store.ddl``) in Spark SQL; the earliest
appearance is the earliest date, then the smallest article id and offset."""

SPEAKERS_SQL = """
WITH names AS (
    SELECT speaker_id, name, count(*) AS n FROM {speakers} GROUP BY speaker_id, name
), best AS (
    SELECT speaker_id, max_by(name, struct(length(name) AS l, n, name AS x)) AS name
    FROM names GROUP BY speaker_id
), types AS (
    SELECT speaker_id, max_by(type, struct(n, type AS t)) AS type
    FROM (SELECT speaker_id, type, count(*) AS n FROM {speakers} GROUP BY speaker_id, type)
    GROUP BY speaker_id
), s AS (
    SELECT speaker_id,
        array_distinct(flatten(collect_list(
            concat(coalesce(aliases, CAST(array() AS ARRAY<STRING>)), array(name))))) AS names,
        min(published) AS first_seen, max(published) AS last_seen,
        count(DISTINCT article_id) AS article_count
    FROM {speakers} GROUP BY speaker_id
), q AS (
    SELECT speaker_id, count(*) AS quote_count, count(DISTINCT quotation_id) AS quotation_count
    FROM {mentions} WHERE speaker_id IS NOT NULL GROUP BY speaker_id
)
SELECT s.speaker_id, best.name, types.type,
    array_sort(filter(s.names, x -> x <> best.name)) AS aliases,
    coalesce(q.quote_count, 0) AS quote_count,
    coalesce(q.quotation_count, 0) AS quotation_count,
    s.article_count, s.first_seen, s.last_seen
FROM s JOIN best USING (speaker_id) JOIN types USING (speaker_id) LEFT JOIN q USING (speaker_id)
"""
"""The store's ``speakers`` view in Spark SQL: the longest name (most frequent among equals),
the most frequent type, every other name as an alias."""


@dataclass(slots=True)
class JobOptions:
    """What to read, where to write, and how (the command line's options)."""

    inputs: list[str]
    output: str
    partitions: int | None = None
    model: str = DEFAULT_MODEL
    fmt: str = "auto"
    columns: Columns = field(default_factory=Columns)
    run_id: str | None = None
    derived: bool = True
    files_per_month: int = 0
    batch_size: int = BATCH
    extractor: str = DEFAULT_EXTRACTOR
    fault: str | None = None


@dataclass(slots=True)
class Summary:
    """What a run did: rows per table, errors per code, the input files by kind."""

    run_id: str
    output: str
    counts: dict[str, int]
    errors: dict[str, int]
    files: dict[str, int]
    unsupported: int
    duplicates: int
    partitions: int
    seconds: float

    def line(self) -> str:
        rows = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        errs = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors.items()))
        return (
            f"wrote {self.output} in {self.seconds:.1f}s: {rows}"
            + (f" ({errs})" if errs else "")
            + (f"; {self.duplicates} exact duplicate(s) dropped" if self.duplicates else "")
            + (f"; {self.unsupported} unsupported file(s) skipped" if self.unsupported else "")
        )


# --- session -------------------------------------------------------------------------------------


def _under_spark_submit() -> bool:
    """Whether this driver was started by ``spark-submit`` (which set master and resources)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""Driver JVM options for local mode (``spark.driver.defaultJavaOptions``, so options in
``spark.driver.extraJavaOptions`` come after them and win): the client compiler only (C2's
compiler threads were 38% of the JVM's CPU seconds on a 1,000-article job; the C1 code is fast
enough for the JVM's share of this job, which is reading, shuffling and writing Parquet) and the
serial collector (no parallel or concurrent GC threads competing with the Python workers for the
cores; a local heap is small)."""


def _local_cores(master: str) -> int | None:
    """The cores of a ``local``, ``local[N]``, ``local[*]`` or ``local[N,R]`` master, else
    ``None`` (``local-cluster`` and real clusters)."""
    match = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master.strip())
    if match is None:
        return None
    given = match.group(1)
    if given is None:
        return 1
    return (os.cpu_count() or 1) if given == "*" else max(1, int(given))


def local_defaults(cores: int, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Settings for local mode that cut the JVM's CPU time (docs/spark.md, *Benchmarks*); each
    is only a default, which a ``--conf`` of the same key replaces. A collector chosen in the
    ``given`` ``spark.driver.extraJavaOptions`` replaces the serial one (the JVM refuses two)."""
    java = LOCAL_JAVA_OPTIONS
    if re.search(r"-XX:\+Use\w+GC\b", (given or {}).get("spark.driver.extraJavaOptions", "")):
        java = " ".join(o for o in java.split() if not re.fullmatch(r"-XX:\+Use\w+GC", o))
    return {
        "spark.ui.enabled": "false",
        "spark.driver.defaultJavaOptions": java,
        # The derived tables' aggregations are the only shuffles that use it (extraction is
        # repartitioned by --partitions): 200 map outputs per task on a few cores is overhead.
        "spark.sql.shuffle.partitions": str(2 * cores),
    }


def session(
    master: str | None = None,
    conf: Sequence[tuple[str, str]] = (),
    app_name: str = "saidwhat",
) -> SparkSession:
    """A Spark session for the job (``getOrCreate``: under ``spark-submit``, the submitted one).

    Without ``master`` and outside ``spark-submit`` it runs in local mode on every core. In local
    mode (``local``, ``local[N]``, ``local[*]``, ``local[N,R]``) :func:`local_defaults` apply
    unless ``conf`` sets the same keys, and the Python workers use this interpreter (the one
    that has saidwhat and the model), unless ``PYSPARK_PYTHON`` or ``spark.pyspark.python``
    says otherwise (the first is set from the second or from this interpreter when missing).
    Raises ``E201`` when PySpark or Java is missing.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SaidwhatError(
            "E201", "PySpark is not installed: pip install 'saidwhat[spark]'"
        ) from exc
    given = dict(conf)
    builder = SparkSession.builder.appName(app_name)
    if master is None and not _under_spark_submit() and "spark.master" not in given:
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    resolved = master or given.get("spark.master", "")
    local = resolved.startswith("local")
    if local and "PYSPARK_PYTHON" not in os.environ:
        # PySpark starts its Python workers with $PYSPARK_PYTHON (default: python3 on PATH).
        os.environ["PYSPARK_PYTHON"] = given.get("spark.pyspark.python", sys.executable)
    cores = _local_cores(resolved)
    if cores is not None:
        for key, value in local_defaults(cores, given).items():
            if key not in given:
                builder = builder.config(key, value)
    for key, value in conf:
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j / launcher errors: Java missing or not startable
        detail = " ".join(str(exc).split())[:300]
        raise SaidwhatError(
            "E201", f"Spark could not start (is Java 17 installed?): {detail}"
        ) from exc
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    return spark


# --- output folder -------------------------------------------------------------------------------


class _Folder:
    """The output folder through Hadoop's FileSystem API, so any URI the cluster writes works."""

    def __init__(self, spark: SparkSession, uri: str) -> None:
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        self._jvm = jvm
        self.root = jvm.org.apache.hadoop.fs.Path(uri)
        self.fs = self.root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        self.uri = uri.rstrip("/")

    def child(self, name: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(self.root, name)

    def names(self) -> list[str]:
        if not self.fs.exists(self.root):
            return []
        if not self.fs.getFileStatus(self.root).isDirectory():
            raise SaidwhatError("E202", f"{self.uri}: exists and is not a folder")
        return sorted(str(s.getPath().getName()) for s in self.fs.listStatus(self.root))

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        stream = self.fs.create(self.child(name), True)
        try:
            stream.write(bytearray((json.dumps(data, indent=2) + "\n").encode("utf-8")))
        finally:
            stream.close()

    def delete(self, name: str) -> None:
        self.fs.delete(self.child(name), True)

    def prepare(self, marker: dict[str, Any]) -> None:
        """Empty the folder of an earlier output (manifest first, so a half-replaced output is
        never taken for a complete one) and mark the run as in progress. A folder with other
        content is refused (``E202``): the job never deletes what it did not write."""
        names = self.names()
        ours = {schema.MANIFEST, RUN_MARKER, *schema.TABLES}
        if names and not ({schema.MANIFEST, RUN_MARKER} & set(names)):
            raise SaidwhatError(
                "E202", f"{self.uri}: not empty and not a saidwhat output (pick a new folder)"
            )
        for name in [schema.MANIFEST, *names]:
            if name in ours and name in names:
                self.delete(name)
        self.fs.mkdirs(self.root)
        self.write_json(RUN_MARKER, marker)


# --- inputs --------------------------------------------------------------------------------------


def list_inputs(
    spark: SparkSession, paths: Sequence[str], fmt: str = "auto"
) -> tuple[dict[str, list[tuple[str, int]]], int]:
    """The input files by kind (``(uri, size)``, sorted) and how many were skipped as unsupported.

    Spark lists them (in parallel for many folders), so local paths and any Hadoop URI work;
    names starting with ``.`` or ``_`` are skipped at every level, as Spark does. ``fmt`` other
    than ``auto`` reads every file as that kind.
    """
    from pyspark.errors import AnalysisException

    try:
        listing = (
            spark.read.format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(list(paths))
            .select("path", "length")
            .collect()
        )
    except AnalysisException as exc:
        raise SaidwhatError("E001", " ".join(str(exc).split())[:300]) from exc
    files: dict[str, list[tuple[str, int]]] = {kind: [] for kind in inputs.KINDS}
    unsupported = 0
    for row in sorted(listing, key=lambda r: str(r["path"])):
        uri = str(row["path"])
        kind = fmt if fmt != "auto" else inputs.kind_of(uri)
        if kind is None:
            unsupported += 1
            continue
        files[kind].append((uri, int(row["length"])))
    return files, unsupported


def _raw_schema() -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(inputs.RAW, prefer_timestamp_ntz=False)


def _jsonl(spark: SparkSession, files: list[tuple[str, int]]) -> DataFrame:
    """JSONL lines as raw rows. When a file may be split between tasks (uncompressed or bzip2,
    larger than the smallest split Spark makes), the lines of every split are counted first, by
    the JVM alone, so records without an id get their line number."""
    from pyspark.sql import functions as F

    lines = spark.read.text([uri for uri, _ in files], lineSep="\n").select(
        F.col("_metadata.file_path").alias("file_path"),
        F.col("_metadata.file_block_start").alias("block_start"),
        F.col("value").cast("binary").alias("value"),
    )
    conf = spark._jsparkSession.sessionState().conf()
    smallest = min(int(conf.filesMaxPartitionBytes()), int(conf.filesOpenCostInBytes()))
    before: dict[tuple[str, int], int] = {}
    if any(inputs.splittable(uri) and size > smallest for uri, size in files):
        counts = lines.groupBy("file_path", "block_start").count().collect()
        per_file: dict[str, list[tuple[int, int]]] = {}
        for row in counts:
            per_file.setdefault(str(row[0]), []).append((int(row[1]), int(row[2])))
        for path, blocks in per_file.items():
            total = 0
            for start, n in sorted(blocks):
                before[(path, start)] = total
                total += n
    parse = functools.partial(inputs.jsonl_batches, lines_before=before)
    return lines.mapInArrow(parse, _raw_schema())


def _parquet(spark: SparkSession, files: list[tuple[str, int]], cols: Columns) -> DataFrame:
    """Parquet rows as raw rows (the wanted columns only, plus file and row number)."""
    from pyspark.sql import functions as F

    table = spark.read.parquet(*[uri for uri, _ in files])
    names = table.columns
    if cols.text not in names:
        first = inputs.display(files[0][0])
        message = f"{first}: no column {cols.text!r} (columns: {', '.join(names)})"
        row = inputs.raw_row(_notice("E107", message), first, first, 0)
        return spark.createDataFrame([tuple(row[n] for n in inputs.RAW.names)], _raw_schema())
    wanted = [c for c in dict.fromkeys(cols.wanted()) if c in names]
    picked = table.select(
        *[F.col(f"`{c}`") for c in wanted],
        F.col("_metadata.file_path").alias("file_path"),
        F.col("_metadata.row_index").alias("row_index"),
    )
    parse = functools.partial(inputs.parquet_batches, cols=cols)
    return picked.mapInArrow(parse, _raw_schema())


def _warc(spark: SparkSession, files: list[tuple[str, int]]) -> DataFrame:
    """WARC files, one task each (a WARC file is not splittable), as raw rows."""
    uris = ",".join(uri for uri, _ in files)
    rdd = spark.sparkContext.binaryFiles(uris, minPartitions=len(files))
    return spark.createDataFrame(rdd.mapPartitions(inputs.warc_rows), _raw_schema())


def _notice(code: str, detail: str) -> Any:
    from saidwhat.errors import notice

    return notice(code, detail)


def read_raw(
    spark: SparkSession, files: dict[str, list[tuple[str, int]]], cols: Columns
) -> DataFrame:
    """Every input record as a raw row (:data:`saidwhat.scale.inputs.RAW`)."""
    frames: list[DataFrame] = []
    if files.get("jsonl"):
        frames.append(_jsonl(spark, files["jsonl"]))
    if files.get("parquet"):
        frames.append(_parquet(spark, files["parquet"], cols))
    if files.get("warc"):
        frames.append(_warc(spark, files["warc"]))
    if not frames:
        raise SaidwhatError(
            "E001", "no supported input files (.jsonl[.gz|.bz2], .parquet, .warc[.gz])"
        )
    return functools.reduce(lambda a, b: a.unionByName(b), frames)


def mark_firsts(raw: DataFrame, partitions: int) -> DataFrame:
    """Hash-partition by article id and give every row its ``status``: ``keep`` for the first
    record of an id in input order, ``duplicate`` for a later one with the same text,
    ``conflict`` for a later one with another text; null for error rows."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    is_error = F.col("error_code").isNotNull()
    window = Window.partitionBy("article_id", "_is_error").orderBy(
        "source_file", "source_pos", "source"
    )
    flagged = (
        raw.withColumn("_is_error", is_error)
        .repartition(partitions, "article_id")
        .withColumn("_rank", F.row_number().over(window))
        .withColumn("_first", F.first("content_hash").over(window))
    )
    status = (
        F.when(F.col("_is_error"), F.lit(None))
        .when(F.col("_rank") == 1, F.lit("keep"))
        .when(F.col("content_hash") == F.col("_first"), F.lit("duplicate"))
        .otherwise(F.lit("conflict"))
    )
    return flagged.select(*inputs.RAW.names, status.cast("string").alias("status"))


# --- the job -------------------------------------------------------------------------------------


def _partition_columns(day: str) -> list[Any]:
    from pyspark.sql import functions as F

    return [
        F.coalesce(F.year(day), F.lit(0)).cast("int").alias("year"),
        F.coalesce(F.month(day), F.lit(0)).cast("int").alias("month"),
    ]


def _write(df: DataFrame, folder: _Folder, table: str, files_per_month: int) -> int:
    """Write ``table`` (overwrite) and return its row count, observed while writing (no extra
    Spark job). The observation sits in the writing stage, whose tasks Spark counts once even
    when it retries them."""
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    writer_df = df
    partitioned = table in schema.PARTITIONED
    if partitioned and files_per_month > 0:
        bucket = F.abs(F.xxhash64(*[c for c in ("article_id", "quotation_id") if c in df.columns]))
        writer_df = df.repartition("year", "month", bucket % files_per_month)
    rows = Observation(f"saidwhat_{table}_{uuid.uuid4().hex[:8]}")
    writer = writer_df.observe(rows, F.count(F.lit(1)).alias("rows")).write.mode("overwrite")
    if partitioned:
        writer = writer.partitionBy(*schema.PARTITION_COLUMNS)
    writer.parquet(f"{folder.uri}/{table}")
    return int(rows.get.get("rows") or 0)


def run_job(spark: SparkSession, opts: JobOptions) -> Summary:
    """Run the whole job in ``spark``; returns what it wrote."""
    from pyspark import StorageLevel
    from pyspark.sql import Observation
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    run_id = opts.run_id or f"spark-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    folder = _Folder(spark, opts.output)
    files, unsupported = list_inputs(spark, opts.inputs, opts.fmt)
    if not any(files.values()):
        raise SaidwhatError(
            "E001", "no supported input files (.jsonl[.gz|.bz2], .parquet, .warc[.gz])"
        )
    partitions = opts.partitions or max(1, 4 * spark.sparkContext.defaultParallelism)
    folder.prepare({"run_id": run_id, "started": started.isoformat(), "written_by": WRITTEN_BY})

    settings = Settings(
        model=opts.model,
        run_id=run_id,
        ingested_at=started,
        extractor=opts.extractor,
        batch_size=opts.batch_size,
        fault=opts.fault,
    )
    raw = read_raw(spark, files, opts.columns)
    marked = mark_firsts(raw, partitions)
    results = marked.mapInArrow(
        functools.partial(extract_batches, s=settings),
        from_arrow_schema(RESULT, prefer_timestamp_ntz=False),
    ).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        written = results
        cores = spark.sparkContext.defaultParallelism
        local = (spark.sparkContext.master or "").startswith("local")
        if local and opts.files_per_month == 0 and partitions > cores:
            # Local mode: extract in --partitions tasks (the cache is filled by this count),
            # then write with one task per core: every task writes a file per year/month, so
            # this writes partitions / cores times fewer small files, without a shuffle. (Not
            # on a cluster: a task that reads many cached partitions would recompute them all
            # after losing an executor.)
            results.count()
            written = results.coalesce(cores)
        articles = written.filter(F.col("kind") == "article")
        years = _partition_columns("published")
        tables: dict[str, DataFrame] = {
            "articles": articles.select(*schema.ARTICLES.names, *years),
            "mentions": articles.select(F.explode("mentions").alias("m"), "story_id")
            .select("m.*", "story_id")
            .select(*schema.MENTIONS.names, "story_id", *years),
            "article_speakers": articles.select(F.explode("speakers").alias("s"))
            .select("s.*")
            .select(*schema.ARTICLE_SPEAKERS.names, *years),
        }
        # Errors and dropped duplicates are counted while the errors table is written.
        kinds = Observation(f"saidwhat_kinds_{uuid.uuid4().hex[:8]}")
        others = written.filter(F.col("kind") != "article").observe(
            kinds,
            F.count_if(F.col("kind") == "error").alias("errors"),
            F.count_if(F.col("kind") == "duplicate").alias("duplicates"),
        )
        tables["errors"] = others.filter(F.col("kind") == "error").select(
            F.coalesce("source", "article_id", F.lit("")).alias("source"),
            F.col("error_code").alias("code"),
            F.coalesce("error_message", F.lit("")).alias("message"),
            "article_id",
            F.lit(run_id).alias("run_id"),
            F.lit(started).cast("timestamp").alias("at"),
        )
        counts: dict[str, int] = {}
        for table in ("articles", "mentions", "article_speakers", "errors"):
            df = tables[table]
            if table == "mentions":
                df = df.drop("story_id")
            counts[table] = _write(df, folder, table, opts.files_per_month)
        duplicates = int(kinds.get.get("duplicates") or 0)
        errors = _error_codes(spark, folder) if counts["errors"] else {}
        if opts.derived:
            views = {
                "mentions": f"sw_mentions_{uuid.uuid4().hex[:8]}",
                "speakers": f"sw_speakers_{uuid.uuid4().hex[:8]}",
            }
            tables["mentions"].createOrReplaceTempView(views["mentions"])
            tables["article_speakers"].createOrReplaceTempView(views["speakers"])
            quotations = spark.sql(QUOTATIONS_SQL.format(**views))
            speakers = spark.sql(SPEAKERS_SQL.format(**views))
            counts["quotations"] = _write(
                quotations.select("*", *_partition_columns("first_published")),
                folder,
                "quotations",
                opts.files_per_month,
            )
            counts["speakers"] = _write(speakers, folder, "speakers", 0)
            for view in views.values():
                spark.catalog.dropTempView(view)
    finally:
        results.unpersist()
    summary = Summary(
        run_id=run_id,
        output=opts.output,
        counts={name: counts.get(name, 0) for name in schema.TABLES},
        errors=errors,
        files={kind: len(v) for kind, v in files.items() if v},
        unsupported=unsupported,
        duplicates=duplicates,
        partitions=partitions,
        seconds=time.perf_counter() - t0,
    )
    folder.write_json(
        schema.MANIFEST,
        schema.manifest(
            summary.counts,
            written_by=WRITTEN_BY,
            file_format="parquet",
            created=started.isoformat(),
            run_id=run_id,
            model=opts.model,
            spark_version=spark.version,
            inputs=list(opts.inputs),
            derived=opts.derived,
            ids={"story_id": "content_hash", "quotation_id": "exact text + speaker"},
            errors=errors,
            duplicates=duplicates,
        ),
    )
    folder.delete(RUN_MARKER)
    return summary


def _error_codes(spark: SparkSession, folder: _Folder) -> dict[str, int]:
    """Error rows per code, from the written ``errors`` table (a small job over one column, run
    only when there are errors)."""
    table = spark.read.parquet(f"{folder.uri}/errors").groupBy("code").count().collect()
    return {str(r[0]): int(r[1]) for r in table}


# --- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m saidwhat.scale.spark INPUT… OUTPUT [options]`` (for ``spark-submit``)."""
    import argparse

    from saidwhat.scale import command

    parser = argparse.ArgumentParser(
        prog="python -m saidwhat.scale.spark", description=(__doc__ or "").split("\n")[0]
    )
    command.add_arguments(parser)
    return command.run(parser.parse_args(argv))


def summary_json(summary: Summary) -> str:
    """The summary as one JSON line (``--json``)."""
    return json.dumps(asdict(summary), sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
