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
SOURCE_ORDER = ("segment", "crm", "product", "support", "ads", "surveys", "privacy")


def _source_files(project_dir: Path) -> list[Path]:
    """Source YAML files, Segment first, then the other sources in SOURCE_ORDER."""
    files = list((project_dir / "models" / "staging").glob("*/_*__sources.yml"))
    rank = {name: i for i, name in enumerate(SOURCE_ORDER)}
    return sorted(files, key=lambda p: (rank.get(p.parent.name, len(rank)), p.parent.name))


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
    for path in _source_files(project_dir):
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


def _descriptions(project_dir: Path) -> dict[tuple[str, str | None], str]:
    """(table, column) → description; (table, None) → table description; doc() references shown as names."""
    out: dict[tuple[str, str | None], str] = {}
    for path in _source_files(project_dir):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            for t in source.get("tables", []):
                out[(t["name"], None)] = t.get("description", "")
                for c in t.get("columns", []):
                    out[(t["name"], c["name"])] = c.get("description", "")
    return out


def render_markdown(project_dir: Path = PROJECT_DIR) -> str:
    """The raw contract as a Markdown reference (docs/RAW_CONTRACT.md is this text)."""
    import re

    docs: dict[str, str] = {}
    for md in (project_dir / "models" / "docs").glob("*.md"):
        for name, body in re.findall(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", md.read_text(), re.S):
            docs[name] = " ".join(body.split())

    def text(value: str) -> str:
        value = re.sub(r"""{{\s*doc\(['"](\w+)['"]\)\s*}}""", lambda m: docs.get(m.group(1), m.group(1)), value)
        return value.replace("|", "\\|").replace("\n", " ")

    contract = load_contract(project_dir)
    described = _descriptions(project_dir)
    lines = [
        "# Raw contract",
        "",
        "<!-- Generated from models/staging/*/_*__sources.yml by `python scripts/contract_doc.py`; do not edit. -->",
        "",
        "Every table the warehouse reads, in schema `raw` (var `gtm__raw_schema`). Load your own data with",
        "`python scripts/load_raw.py --from DIR` (files named `<table>.parquet` or `<table>.csv`). **Required**",
        "columns must be present; optional ones are added as NULL when absent; extra columns are kept.",
        "Timestamps are UTC; Segment's client timestamps (`timestamp`, `sent_at`, `original_timestamp`) may be",
        "timestamps or ISO-8601 text.",
        "",
    ]
    by_source: dict[str, list[Table]] = {}
    for table in contract.values():
        by_source.setdefault(table.source, []).append(table)
    switches = {"crm": "using_crm", "product": "using_product_db", "support": "using_support", "ads": "using_ads",
                "surveys": "using_surveys", "privacy": "using_privacy"}
    for source, tables in by_source.items():
        switch = f" (switch: `{switches[source]}`)" if source in switches else " (always on)"
        lines += [f"## Source `{source}`{switch}", ""]
        for table in tables:
            lines += [f"### `{table.name}`", "", text(described.get((table.name, None), "")), "",
                      "| column | type | required | description |", "|---|---|---|---|"]
            for col in table.columns:
                lines.append(f"| `{col.name}` | {col.data_type} | {'yes' if col.required else ''} | "
                             f"{text(described.get((table.name, col.name), ''))} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
