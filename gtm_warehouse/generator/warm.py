"""Imported by the worker pool's fork server (``parallel.ChunkPool``): everything a worker needs before
its first chunk, done once in the fork server so that each forked worker inherits it.

- the simulation modules;
- the raw contract (parsed from the source YAML files) and the Arrow schemas built from it;
- pandas, when installed: pyarrow imports it lazily on the first ``pa.array`` call (to recognise pandas
  inputs), which costs more than half a second of CPU in every process that does it.
"""
from __future__ import annotations

from gtm_warehouse.generator.writer import raw_schemas

from . import run  # noqa: F401  (imported for its side effect: loaded modules are inherited)

raw_schemas()
try:
    import pandas  # noqa: F401
except ImportError:  # pragma: no cover - pyarrow works without it
    pass
