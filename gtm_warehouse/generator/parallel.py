"""Process-parallel chunk simulation with results delivered in chunk order.

Chunks are independent (each seeds its RNG from (seed, chunk)), so worker processes simulate and
render them in any order. The parent consumes results strictly in chunk order and writes them, so
the files are identical for any number of workers. At most ``workers + 1`` chunks are in flight,
which bounds memory whatever the run size.

Tables travel from a worker to the parent as uncompressed Arrow IPC files in a private directory
under ``/dev/shm`` (tmpfs): the worker copies each table once, the parent memory-maps it (no copy)
and unlinks the file at once, so the pages are freed as soon as the parquet writer is done with
them. That is several times cheaper than pickling the tables through a pipe.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import tempfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa

MAX_WORKERS = 8  # chunks are ~1 s of work; beyond this the parent's parquet encoding is the limit


def _init_worker() -> None:
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
    except (NotImplementedError, AttributeError):
        pass


def _noop() -> int:
    return os.getpid()


def _dump(tbl: pa.Table, path: str) -> str:
    with pa.OSFile(path, "wb") as f, pa.ipc.new_stream(f, tbl.schema) as w:
        w.write_table(tbl)
    return path


def _load(path: str) -> pa.Table:
    tbl = pa.ipc.open_stream(pa.memory_map(path, "r")).read_all()
    os.unlink(path)  # the mapping keeps the pages alive until the table is released
    return tbl


def _run_chunk(job: tuple, tmp: str) -> dict:
    from .run import simulate_chunk

    res = simulate_chunk(*job)
    ci = res["chunk"]
    res["raw"] = [(part, name, _dump(t, os.path.join(tmp, f"c{ci}-r{i}.arrow")))
                  for i, (part, name, t) in enumerate(res["raw"])]
    res["truth"] = [(name, _dump(t, os.path.join(tmp, f"c{ci}-t{i}.arrow")))
                    for i, (name, t) in enumerate(res["truth"])]
    return res


def _shm_dir() -> str:
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK) else None
    return tempfile.mkdtemp(prefix="gtm-generator-", dir=base)


class ChunkPool:
    """``workers`` processes (forkserver: the parent may already run writer threads)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        ctx = mp.get_context("forkserver") if "forkserver" in mp.get_all_start_methods() else mp.get_context("spawn")
        if ctx.get_start_method() == "forkserver":
            # warm.py imports the simulation modules and reads the contract once in the fork server, so
            # every worker forked from it starts with them (instead of importing and parsing per worker)
            ctx.set_forkserver_preload(["gtm_warehouse.generator.warm"])
        self.tmp = _shm_dir()
        self.ex = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)
        for _ in range(workers):  # start the workers now, while the parent calibrates
            self.ex.submit(_noop)

    def map(self, jobs: Iterable[tuple]) -> Iterator[dict]:
        """Results of ``simulate_chunk(*job)`` in job order, with a bounded number in flight."""
        pending: deque = deque()
        it = iter(jobs)
        window = self.workers + 1
        for job in it:
            pending.append(self.ex.submit(_run_chunk, job, self.tmp))
            if len(pending) >= window:
                break
        while pending:
            res = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(self.ex.submit(_run_chunk, nxt, self.tmp))
            res["raw"] = [(part, name, _load(p)) for part, name, p in res["raw"]]
            res["truth"] = [(name, _load(p)) for name, p in res["truth"]]
            yield res

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


