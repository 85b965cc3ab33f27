"""The raw contract, read from the dbt source YAML files (the single place it is written down).

Every table of schema ``raw`` is declared in ``models/staging/<source>/_<source>__sources.yml``
with its columns, a ``data_type`` for each and ``config.meta.required: true`` on the columns a
loaded file must have; ``config.meta.fallback: <column>`` on an optional column the loader fills from
another column of the same file when the file lacks it (Segment's ``uuid_ts`` from ``received_at``).
The generator writes exactly these tables and the loader checks them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

# libyaml's C parser when PyYAML was built with it (same documents, ~10x faster: the generator, the loader
# and every worker process read the contract at start-up), else the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path):
    return yaml.load(path.read_text(), Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)


PROJECT_DIR = Path(__file__).resolve().parent.parent
SEGMENT_CORE_TABLES = ("tracks", "pages", "identifies", "groups")
# Segment columns set by the sending device or library: a timestamp or ISO-8601 text of any quality
# (garbage included), parsed in staging. The loader reads them from CSV as text so that one bad value
# never fails a load.
SEGMENT_CLIENT_TIMESTAMPS = ("timestamp", "sent_at", "original_timestamp")
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
    fallback: str | None = None  # column of the same file that fills this one when the file lacks it


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
        doc = _read_yaml(path)
        for source in doc.get("sources", []):
            for t in source.get("tables", []):
                cols = tuple(
                    Column(c["name"], c.get("data_type", "varchar"), bool(_meta(c).get("required")),
                           _meta(c).get("fallback"))
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
        for source in _read_yaml(path).get("sources", []):
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
        "columns must be present; optional ones are added as NULL when absent (or filled from the column their",
        "description names, e.g. Segment's `uuid_ts` from `received_at`); extra columns (custom context fields,",
        "custom traits and event properties) are kept in `raw` as they are and ignored by staging, never an error.",
        "",
        "Timestamps: every Segment timestamp column (`timestamp`, `sent_at`, `original_timestamp`, `received_at`,",
        "`uuid_ts`) may be a TIMESTAMP WITH TIME ZONE, a TIMESTAMP without time zone, or ISO-8601 text with or",
        "without an offset (`2026-10-01T12:03:00+02:00`, `2026-10-01T10:03:00Z`, `2026-10-01 10:03:00`), in",
        "parquet or CSV. **A value without a time zone (a naive TIMESTAMP, or text without an offset, as Postgres,",
        "Redshift and pandas write them) means UTC.** Staging gives the same rows and `event_at` whatever the type;",
        "text that is not a timestamp becomes NULL there (and the row is quarantined when its time cannot be",
        "known). From CSV the loader reads the client-set columns (`timestamp`, `sent_at`, `original_timestamp`)",
        "as text, so that one bad value from a device never fails a load.",
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
