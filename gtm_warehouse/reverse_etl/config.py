"""Destinations as config: the reverse-ETL exposures YAML (models/exposures/_reverse_etl__exposures.yml).

Each dbt exposure is one destination; its sync config lives under ``config.meta.reverse_etl`` and is read
here straight from the YAML (no dbt parse at run time). See docs/REVERSE_ETL.md for the grammar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gtm_warehouse.contract import PROJECT_DIR

EXPOSURES_FILE = PROJECT_DIR / "models" / "exposures" / "_reverse_etl__exposures.yml"
MODES = ("full", "upsert", "mirror")
FORMATS = ("csv", "parquet")
# Named value formats a field mapping may ask for (the destination's expected text shape).
FIELD_FORMATS = ("iso8601", "date", "google_ads_time", "unix_seconds", "list")
RULE_KEYS = {"max_rejected_share", "required", "required_any", "sha256", "no_plaintext", "must_be_true",
             "ranges", "accepted_values"}
_REF = re.compile(r"""^ref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)$""")


class ExportError(Exception):
    """A one-line, actionable error: the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Field:
    name: str                    # destination field
    column: str | None = None    # warehouse column (None: a constant)
    fmt: str | None = None       # one of FIELD_FORMATS
    value: str | None = None     # constant value


@dataclass
class SyncObject:
    destination: str
    name: str
    model: str
    primary_key: list[str]
    mode: str
    format: str
    fields: list[Field]          # empty: every column of the model, as it is
    where: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    partition_by: dict[str, str] | None = None
    rules: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.destination}.{self.name}"

    def rule_columns(self) -> list[str]:
        """Warehouse columns the rules read (validated as they are in the warehouse)."""
        cols: list[str] = []
        r = self.rules
        for key in ("required", "sha256", "no_plaintext", "must_be_true"):
            cols += list(r.get(key) or [])
        for group in r.get("required_any") or []:
            cols += list(group)
        cols += list((r.get("ranges") or {}).keys()) + list((r.get("accepted_values") or {}).keys())
        return list(dict.fromkeys(cols))

    def columns_used(self) -> list[str]:
        cols = list(self.primary_key) + [f.column for f in self.fields if f.column] + self.rule_columns()
        cols += list(self.identifiers.values())
        if self.partition_by:
            cols.append(self.partition_by["column"])
        return list(dict.fromkeys(cols))


@dataclass
class Destination:
    name: str
    type: str
    depends_on: list[str]
    objects: list[SyncObject]
    excluded_models: dict[str, str] = field(default_factory=dict)


def _fields(raw: dict | None, where: str) -> list[Field]:
    out = []
    for name, spec in (raw or {}).items():
        if isinstance(spec, str):
            out.append(Field(str(name), column=spec))
        elif isinstance(spec, dict) and "value" in spec:
            out.append(Field(str(name), value=str(spec["value"])))
        elif isinstance(spec, dict) and "column" in spec:
            fmt = spec.get("format")
            if fmt is not None and fmt not in FIELD_FORMATS:
                raise ExportError(f"{where}: field {name!r} has unknown format {fmt!r} (one of {', '.join(FIELD_FORMATS)})")
            out.append(Field(str(name), column=spec["column"], fmt=fmt))
        else:
            raise ExportError(f"{where}: field {name!r} must be a column name, {{column, format}} or {{value}}")
    return out


def load_destinations(path: Path = EXPOSURES_FILE) -> list[Destination]:
    """Every destination of the exposures YAML, checked for shape (not yet against the warehouse)."""
    if not path.exists():
        raise ExportError(f"{path} does not exist: the reverse-ETL destinations are declared there")
    doc = yaml.safe_load(path.read_text()) or {}
    destinations = []
    for exposure in doc.get("exposures") or []:
        name = exposure["name"]
        meta = ((exposure.get("config") or {}).get("meta") or {}).get("reverse_etl")
        if not meta:
            continue
        depends_on = []
        for ref in exposure.get("depends_on") or []:
            match = _REF.match(str(ref).strip())
            if not match:
                raise ExportError(f"{path.name}: exposure {name}: depends_on {ref!r} is not ref('model')")
            depends_on.append(match.group(1))
        objects = []
        for raw in meta.get("objects") or []:
            where = f"{path.name}: {name}.{raw.get('name')}"
            for key in ("name", "model", "primary_key", "mode", "format"):
                if not raw.get(key):
                    raise ExportError(f"{where}: `{key}` is missing")
            if raw["mode"] not in MODES:
                raise ExportError(f"{where}: mode {raw['mode']!r} is not one of {', '.join(MODES)}")
            if raw["format"] not in FORMATS:
                raise ExportError(f"{where}: format {raw['format']!r} is not one of {', '.join(FORMATS)}")
            rules = raw.get("rules") or {}
            unknown = set(rules) - RULE_KEYS
            if unknown:
                raise ExportError(f"{where}: unknown rule(s) {', '.join(sorted(unknown))}")
            partition = raw.get("partition_by")
            if partition and (partition.get("grain") != "month" or not partition.get("column")):
                raise ExportError(f"{where}: partition_by needs {{column, grain: month}}")
            objects.append(SyncObject(
                destination=name, name=raw["name"], model=raw["model"], primary_key=list(raw["primary_key"]),
                mode=raw["mode"], format=raw["format"], fields=_fields(raw.get("fields"), where),
                where=raw.get("where"), identifiers=dict(raw.get("identifiers") or {}),
                partition_by=partition, rules=rules,
            ))
        destinations.append(Destination(name=name, type=exposure.get("type", ""), depends_on=depends_on,
                                        objects=objects, excluded_models=dict(meta.get("excluded_models") or {})))
    return destinations


def select(destinations: list[Destination], names: list[str] | None) -> list[Destination]:
    if not names:
        return destinations
    known = {d.name: d for d in destinations}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ExportError(f"unknown destination {unknown[0]!r}: choose one of {', '.join(known)}")
    return [known[n] for n in names]
