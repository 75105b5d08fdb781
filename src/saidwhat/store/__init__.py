"""The corpus store: articles, quote mentions, corpus-level quotations and speakers.

``schema`` defines the export format (Parquet tables, partitioning, version); the rest of the
package (DuckDB store, search index, queries) builds on it. See ``docs/store.md``.
"""
