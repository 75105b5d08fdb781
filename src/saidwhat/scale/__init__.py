"""Scale-out: the saidwhat engine on Apache Spark (``saidwhat spark``, docs/spark.md).

- :mod:`saidwhat.scale.inputs`: JSONL lines, Parquet rows and WARC files to raw rows (no PySpark);
- :mod:`saidwhat.scale.rows`: extraction in the executors, rows of the export format (no PySpark);
- :mod:`saidwhat.scale.spark`: the job itself (needs ``pip install 'saidwhat[spark]'`` and Java);
- :mod:`saidwhat.scale.output`: reading a job's output back (Articles, DuckDB views), no Spark;
- :mod:`saidwhat.scale.command`: the ``saidwhat spark`` subcommand.
"""
