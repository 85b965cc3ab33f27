"""The raw contract, read from the dbt source YAML files (the single place it is written down).

Every table of schema ``raw`` is declared in ``models/staging/<source>/_<source>__sources.yml``
with its columns, a ``data_type`` for each and ``config.meta.required: true`` on the columns a
loaded file must have. The generator writes exactly these tables and the loader checks them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEGMENT_CORE_TABLES = ("tracks", "pages", "identifies", "groups")


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    required: bool


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    columns: tuple[Column, ...]
    segment_event_table: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _meta(node: dict) -> dict:
    return ((node.get("config") or {}).get("meta") or {}) | (node.get("meta") or {})


@lru_cache(maxsize=None)
def load_contract(project_dir: Path = PROJECT_DIR) -> dict[str, Table]:
    """Return every raw table of the contract, keyed by table name, in declaration order."""
    tables: dict[str, Table] = {}
    for path in sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml")):
        doc = yaml.safe_load(path.read_text())
        for source in doc.get("sources", []):
            for t in source.get("tables", []):
                cols = tuple(
                    Column(c["name"], c.get("data_type", "varchar"), bool(_meta(c).get("required")))
                    for c in t.get("columns", [])
                )
                tables[t["name"]] = Table(
                    source=source["name"],
                    name=t["name"],
                    columns=cols,
                    segment_event_table=bool(_meta(t).get("segment_event_table")),
                )
    if not tables:
        raise RuntimeError(f"no source YAML found under {project_dir / 'models' / 'staging'}")
    return tables
