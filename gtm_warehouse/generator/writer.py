"""Streaming parquet output: one ``ParquetWriter`` per file, one row group per chunk write."""
from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gtm_warehouse.contract import Table

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


class BackgroundWriter:
    """Runs parquet writes on one background thread (Arrow releases the GIL while encoding), so
    encoding chunk k overlaps with simulating chunk k+1. The queue is bounded to keep memory bounded.
    Writes happen in submission order, so output stays deterministic."""

    def __init__(self, max_pending: int = 96) -> None:
        self.q: queue.Queue = queue.Queue(maxsize=max_pending)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="parquet-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.q.get()
            if item is None:
                return
            if self.error is None:
                try:
                    item()
                except BaseException as e:  # surfaced on the main thread
                    self.error = e

    def submit(self, fn) -> None:
        if self.error is not None:
            raise self.error
        self.q.put(fn)

    def finish(self) -> None:
        self.q.put(None)
        self.thread.join()
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
                                                  compression="snappy", **encoding_options(self.schemas[name]))
        return self.writers[name]

    def write(self, name: str, table: pa.Table) -> None:
        writer = self._open(name)
        self.rows[name] += table.num_rows
        if table.num_rows:
            job = lambda: writer.write_table(table, row_group_size=1 << 20)  # noqa: E731
            self.bg.submit(job) if self.bg is not None else job()

    def close(self) -> dict[str, int]:
        """Close every writer; tables never written get an empty file with the right schema."""
        for name in self.schemas:
            self._open(name)
        if self.bg is not None:
            self.bg.finish()
        for name in self.schemas:
            self.writers[name].close()
        return dict(self.rows)


class RawWriter:
    """Writes contract tables under ``out``; Segment rows loaded at/after ``cutoff_us`` go to increment/."""

    def __init__(self, out: Path, contract: dict[str, Table], cutoff_us: int | None) -> None:
        self.contract = contract
        self.schemas = {name: contract_schema(t) for name, t in contract.items()}
        self.segment = {name for name, t in contract.items() if t.source == "segment"}
        self.bg = BackgroundWriter()
        self.main = ParquetSet(out, self.schemas, self.bg)
        self.cutoff_us = cutoff_us
        self.incr = (ParquetSet(out / "increment", {n: self.schemas[n] for n in self.segment}, self.bg)
                     if cutoff_us is not None else None)
        if cutoff_us is None:  # a stale increment from an earlier run would be loaded by mistake
            for n in self.segment:
                (out / "increment" / f"{n}.parquet").unlink(missing_ok=True)

    def write(self, name: str, cols: dict[str, pa.Array]) -> None:
        tbl = to_table(self.schemas[name], cols)
        if self.incr is not None and name in self.segment:
            late = pc.greater_equal(tbl.column("uuid_ts"), pa.scalar(self.cutoff_us, pa.timestamp("us")))
            late = late.combine_chunks() if isinstance(late, pa.ChunkedArray) else late
            mask = np.asarray(late.to_numpy(zero_copy_only=False), dtype=bool)
            self.main.write(name, tbl.filter(pa.array(~mask)))
            self.incr.write(name, tbl.filter(pa.array(mask)))
        else:
            self.main.write(name, tbl)

    def close(self) -> dict[str, dict[str, int]]:
        if self.incr is not None:
            for name in self.incr.schemas:
                self.incr._open(name)
        res = {"main": self.main.close()}  # drains the background queue
        if self.incr is not None:
            self.incr.bg = None
            res["increment"] = self.incr.close()
        return res
