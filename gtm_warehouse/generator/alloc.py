"""Allocator settings for the generator's processes: keep freed memory for reuse instead of returning it to
the operating system after every chunk.

A chunk allocates and frees hundreds of MB of numpy arrays (glibc malloc) and Arrow buffers (mimalloc).
By default both hand freed pages back to the kernel soon (mimalloc after 10 ms; glibc above its trim
threshold and for every block mmap'ed on its own), so the next chunk page-faults them in again: at 2M events
about 260k minor page faults and 2.6 s of system time in one process. Kept, the pages are reused: 50k faults,
0.8 s. Output bytes do not depend on it; the cost is a somewhat higher resident set (about +0.1 GB).

`tune()` must run before pyarrow is imported (mimalloc reads its options when it starts). It sets the
options for this process (glibc through `mallopt`) and, through the environment, for every process started
from it (the worker pool's fork server and workers). A variable already set by the user wins.
"""
from __future__ import annotations

import ctypes
import os

# mimalloc (pyarrow's mimalloc pool): never purge freed pages.
MIMALLOC_ENV = {"MIMALLOC_PURGE_DELAY": "-1"}
# glibc malloc: blocks up to 32 MB (glibc's maximum) from the heap instead of their own mmap; trim the heap
# top only above 1 GiB; grow it 64 MiB at a time.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
GLIBC = {M_MMAP_THRESHOLD: 32 * 1024 * 1024, M_TRIM_THRESHOLD: 1024**3, M_TOP_PAD: 64 * 1024 * 1024}
GLIBC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(GLIBC[M_MMAP_THRESHOLD]),
             "MALLOC_TRIM_THRESHOLD_": str(GLIBC[M_TRIM_THRESHOLD]),
             "MALLOC_TOP_PAD_": str(GLIBC[M_TOP_PAD])}


def tune() -> None:
    """Apply the settings to this process and its future children (see the module docstring)."""
    for name, value in {**MIMALLOC_ENV, **GLIBC_ENV}.items():
        os.environ.setdefault(name, value)
    if any(name in os.environ and os.environ[name] != value for name, value in GLIBC_ENV.items()):
        return  # the user chose other glibc settings: leave this process as it started
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return
    for option, value in GLIBC.items():
        mallopt(ctypes.c_int(option), ctypes.c_int(value))
