"""Streaming parquet output: one ``ParquetWriter`` per file, one row group per chunk write."""
from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gtm_warehouse.contract import Table, load_contract

ARROW_TYPES = {
    "varchar": pa.string(), "text": pa.string(), "string": pa.string(), "bigint": pa.int64(),
    "integer": pa.int64(), "double": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}
# Client-side timestamps of Segment tables are written as ISO-8601 strings (they may be garbage).
CLIENT_TIMESTAMPS = {"sent_at", "timestamp", "original_timestamp"}


def contract_schema(t: Table) -> pa.Schema:
    """Arrow schema of a contract table (exact column names and order)."""
    fields = []
    for c in t.columns:
        typ = ARROW_TYPES[c.data_type.lower()]
        if t.source == "segment" and c.name in CLIENT_TIMESTAMPS:
            typ = pa.string()
        fields.append(pa.field(c.name, typ))
    return pa.schema(fields)


def to_table(schema: pa.Schema, cols: dict[str, pa.Array], n: int | None = None) -> pa.Table:
    """Build a table with exactly ``schema``'s columns; absent columns become NULL."""
    if n is None:
        n = len(next(iter(cols.values()))) if cols else 0
    unknown = set(cols) - set(schema.names)
    if unknown:
        raise KeyError(f"columns not in the contract: {sorted(unknown)}")
    arrays = []
    for f in schema:
        a = cols.get(f.name)
        if a is None:
            a = pa.nulls(n, f.type)
        elif a.type != f.type:
            a = a.cast(f.type)
        if len(a) != n:
            raise ValueError(f"column {f.name}: {len(a)} rows, expected {n}")
        arrays.append(a)
    return pa.Table.from_arrays(arrays, schema=schema)


_HIGH_CARDINALITY_SUFFIXES = ("id", "email", "url", "referrer", "search", "sent_at", "timestamp", "ip",
                              "identifier_value", "slug", "invitee_email", "link_url")


def encoding_options(schema: pa.Schema) -> dict:
    """Dictionary-encode low-cardinality strings only; min/max statistics on non-string columns only.

    Trying dictionaries on unique values (ids, URLs, client timestamps) and computing string
    statistics are the two most expensive parts of encoding; neither helps those columns.
    """
    strings = [f.name for f in schema if pa.types.is_string(f.type)]
    low = [n for n in strings if not n.endswith(_HIGH_CARDINALITY_SUFFIXES) and n != "name"]
    return {"use_dictionary": low or False,
            "write_statistics": [f.name for f in schema if not pa.types.is_string(f.type)] or False}


COMPRESSION = "snappy"
ROW_GROUP_ROWS = 1 << 20  # one row group per chunk write (a chunk has fewer rows than this)


def writer_options(schema: pa.Schema) -> dict:
    """``ParquetWriter`` keyword arguments for a table (fixed: they are part of the file bytes)."""
    return {"compression": COMPRESSION, **encoding_options(schema)}


class BackgroundWriter:
    """Runs parquet writes on background threads (Arrow releases the GIL while encoding), so
    encoding overlaps with simulation and several files encode at once. Each file is bound to one
    thread, and a thread runs its jobs in submission order, so every file is written in the order
    its row groups were submitted and the output stays deterministic. Queues are bounded to keep
    memory bounded."""

    def __init__(self, threads: int = 1, max_pending: int = 96) -> None:
        self.error: BaseException | None = None
        self.queues: list[queue.Queue] = [queue.Queue(maxsize=max_pending) for _ in range(max(1, threads))]
        self.route: dict = {}
        self.threads = [threading.Thread(target=self._run, args=(q,), name=f"parquet-writer-{i}", daemon=True)
                        for i, q in enumerate(self.queues)]
        for t in self.threads:
            t.start()
        self.finished = False

    def _run(self, q: queue.Queue) -> None:
        while True:
            item = q.get()
            if item is None:
                return
            if self.error is None:
                try:
                    item()
                except BaseException as e:  # surfaced on the main thread
                    self.error = e

    def submit(self, key, fn) -> None:
        """Queue ``fn``; jobs with the same ``key`` (a file) run in order on the same thread."""
        if self.error is not None:
            raise self.error
        i = self.route.get(key)
        if i is None:  # round-robin over files in first-use order
            i = self.route[key] = len(self.route) % len(self.queues)
        self.queues[i].put(fn)

    def finish(self) -> None:
        if not self.finished:
            self.finished = True
            for q in self.queues:
                q.put(None)
            for t in self.threads:
                t.join()
        if self.error is not None:
            raise self.error


class ParquetSet:
    """Lazily opened parquet writers for a set of files under one directory."""

    def __init__(self, directory: Path, schemas: dict[str, pa.Schema], bg: BackgroundWriter | None = None) -> None:
        self.directory = directory
        self.schemas = schemas
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {name: 0 for name in schemas}
        self.bg = bg

    def _open(self, name: str) -> pq.ParquetWriter:
        if name not in self.writers:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.writers[name] = pq.ParquetWriter(self.directory / f"{name}.parquet", self.schemas[name],
                                                  **writer_options(self.schemas[name]))
        return self.writers[name]

    def _run(self, name: str, job) -> None:
        if self.bg is not None:
            self.bg.submit((self.directory, name), job)
        else:
            job()

    def write(self, name: str, table: pa.Table) -> None:
        writer = self._open(name)
        self.rows[name] += table.num_rows
        if table.num_rows:
            self._run(name, lambda: writer.write_table(table, row_group_size=ROW_GROUP_ROWS))

    def close(self) -> dict[str, int]:
        """Close every writer (after its queued writes); tables never written get an empty file with
        the right schema. With a background writer, call its ``finish()`` before reading the files."""
        for name in self.schemas:
            self._run(name, self._open(name).close)
        return dict(self.rows)


_SEGMENT: set[str] | None = None


def raw_schemas() -> dict[str, pa.Schema]:
    """Arrow schemas of every contract table (cached)."""
    global _RAW_SCHEMAS, _SEGMENT
    if _RAW_SCHEMAS is None:
        contract = load_contract()
        _RAW_SCHEMAS = {name: contract_schema(t) for name, t in contract.items()}
        _SEGMENT = {name for name, t in contract.items() if t.source == "segment"}
    return _RAW_SCHEMAS


_RAW_SCHEMAS: dict[str, pa.Schema] | None = None


def split_increment(name: str, tbl: pa.Table, cutoff_us: int | None) -> list[tuple[str, str, pa.Table]]:
    """``[(part, name, rows)]``: Segment rows loaded at/after ``cutoff_us`` go to the increment part."""
    raw_schemas()
    if cutoff_us is None or name not in _SEGMENT:
        return [("main", name, tbl)]
    late = pc.greater_equal(tbl.column("uuid_ts"), pa.scalar(cutoff_us, pa.timestamp("us")))
    late = late.combine_chunks() if isinstance(late, pa.ChunkedArray) else late
    mask = np.asarray(late.to_numpy(zero_copy_only=False), dtype=bool)
    return [("main", name, tbl.filter(pa.array(~mask))), ("increment", name, tbl.filter(pa.array(mask)))]


class RawWriter:
    """Writes contract tables under ``out``; Segment rows loaded at/after ``cutoff_us`` go to increment/."""

    def __init__(self, out: Path, contract: dict[str, Table], cutoff_us: int | None,
                 bg: BackgroundWriter | None = None) -> None:
        self.contract = contract
        self.schemas = {name: contract_schema(t) for name, t in contract.items()}
        self.segment = {name for name, t in contract.items() if t.source == "segment"}
        self.bg = bg
        self.main = ParquetSet(out, self.schemas, bg)
        self.cutoff_us = cutoff_us
        self.incr = (ParquetSet(out / "increment", {n: self.schemas[n] for n in self.segment}, bg)
                     if cutoff_us is not None else None)
        if cutoff_us is None:  # a stale increment from an earlier run would be loaded by mistake
            for n in self.segment:
                (out / "increment" / f"{n}.parquet").unlink(missing_ok=True)

    def write(self, name: str, cols: dict[str, pa.Array]) -> None:
        for part, n, tbl in split_increment(name, to_table(self.schemas[name], cols), self.cutoff_us):
            self.write_table(part, n, tbl)

    def write_table(self, part: str, name: str, tbl: pa.Table) -> None:
        (self.incr if part == "increment" else self.main).write(name, tbl)

    def close(self) -> dict[str, dict[str, int]]:
        res = {"main": self.main.close()}
        if self.incr is not None:
            res["increment"] = self.incr.close()
        return res
