"""Model contracts of the public marts: the `data_type` of every column in `models/marts/*/_*__models.yml`,
checked against (or filled in from) a built DuckDB warehouse.

dbt enforces the contracts at build time (a model whose SQL yields other column names or types fails); this
module is the maintenance tool around it: `check` lists every column whose documented type is missing or
differs from what the warehouse holds, `write` adds the missing/changed `data_type:` lines in place (a pure
line edit under each `- name: <column>` line, so comments, order and the rest of the file stay as they are).

Type names are spelled the portable way where DuckDB and Spark share one (`string`, `bigint`, `integer`,
`double`, `boolean`, `date`, `timestamp`, `decimal(p,s)`): dbt compares a contract by casting NULL to the
documented type on the engine itself, so `string` is DuckDB's VARCHAR and Spark's STRING. DuckDB-only types
(`timestamptz`, `hugeint`, lists) keep DuckDB's spelling; Spark does not enforce contracts (docs/GOVERNANCE.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
MARTS_DIR = PROJECT_DIR / "models" / "marts"
MARTS_SCHEMA = "marts"

# DuckDB's information_schema spelling -> the contract spelling (see the module docstring)
_PORTABLE = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "DOUBLE": "double",
    "FLOAT": "float",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "HUGEINT": "hugeint",
}
# contract spellings that name the same DuckDB type (what DuckDB's cast makes of them)
_ALIASES = {
    "varchar": "string", "text": "string", "int": "integer", "int4": "integer", "int8": "bigint", "long": "bigint",
    "float8": "double", "real": "float", "float4": "float", "bool": "boolean", "timestamp with time zone": "timestamptz",
    "int128": "hugeint", "numeric": "decimal", "int2": "smallint", "int1": "tinyint",
}


def contract_type(duckdb_type: str) -> str:
    """The contract spelling of a DuckDB column type (information_schema.columns.data_type)."""
    upper = duckdb_type.strip().upper()
    if upper in _PORTABLE:
        return _PORTABLE[upper]
    match = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", upper)
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return duckdb_type.strip().lower()


def normalise(data_type: str) -> str:
    """A documented data_type in canonical form, so that `varchar` and `string` compare equal."""
    text = re.sub(r"\s+", " ", str(data_type).strip().lower())
    text = re.sub(r"\s*,\s*", ",", text)
    base, bracket, rest = text.partition("(")
    base = _ALIASES.get(base.strip(), base.strip())
    return base + (bracket + rest if bracket else "")


@dataclass(frozen=True)
class Problem:
    model: str
    column: str
    documented: str | None
    actual: str | None

    def __str__(self) -> str:
        if self.actual is None:
            return f"{self.model}.{self.column}: documented but not in the warehouse"
        if self.documented is None:
            return f"{self.model}.{self.column}: no data_type (warehouse: {self.actual})"
        return f"{self.model}.{self.column}: documented {self.documented}, warehouse {self.actual}"


def yml_files(marts_dir: Path = MARTS_DIR) -> list[Path]:
    return sorted(marts_dir.glob("*/_*__models.yml"))


def documented_columns(path: Path) -> dict[str, dict[str, str | None]]:
    """{model: {column: data_type or None}} of one properties file (column order kept)."""
    document = yaml.safe_load(path.read_text()) or {}
    models = {}
    for model in document.get("models") or []:
        models[model["name"]] = {c["name"]: c.get("data_type") for c in model.get("columns") or []}
    return models


def warehouse_columns(database: Path, schema: str = MARTS_SCHEMA) -> dict[str, dict[str, str]]:
    """{relation: {column: contract type}} of one schema of a built warehouse."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute("""
            select table_name, column_name, data_type from information_schema.columns
            where table_schema = ? order by table_name, ordinal_position
        """, [schema]).fetchall()
    finally:
        con.close()
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, {})[column] = contract_type(data_type)
    return columns


def check(database: Path, marts_dir: Path = MARTS_DIR) -> list[Problem]:
    """Every column of a built mart whose documented data_type is missing or differs, and every documented
    column the warehouse lacks. Models that are not built (disabled sources) are skipped."""
    actual = warehouse_columns(database)
    problems = []
    for path in yml_files(marts_dir):
        for model, columns in documented_columns(path).items():
            built = actual.get(model)
            if built is None:
                continue
            for column, documented in columns.items():
                if column not in built:
                    problems.append(Problem(model, column, documented, None))
                elif documented is None or normalise(documented) != normalise(built[column]):
                    problems.append(Problem(model, column, documented, built[column]))
            for column, data_type in built.items():
                if column not in columns:
                    problems.append(Problem(model, column, None, data_type))
    return problems


_MODEL = re.compile(r"^  - name:\s*([A-Za-z0-9_]+)\s*$")
_COLUMN = re.compile(r"^(\s+)- name:\s*([A-Za-z0-9_]+)\s*$")
_DATA_TYPE = re.compile(r"^\s+data_type:")


def write(database: Path, marts_dir: Path = MARTS_DIR) -> list[str]:
    """Set `data_type:` of every documented column of a built mart to the warehouse's type (a line right
    under its `- name:` line). Returns the files changed."""
    actual = warehouse_columns(database)
    changed = []
    for path in yml_files(marts_dir):
        lines = path.read_text().splitlines(keepends=True)
        out: list[str] = []
        model = None
        in_columns = False
        index = 0
        while index < len(lines):
            line = lines[index]
            out.append(line)
            index += 1
            model_match = _MODEL.match(line)
            if model_match:
                model, in_columns = model_match.group(1), False
                continue
            if re.match(r"^    columns:\s*$", line):
                in_columns = True
                continue
            if re.match(r"^    [a-z_]+:", line):
                in_columns = False
            column_match = _COLUMN.match(line)
            if not (in_columns and column_match and len(column_match.group(1)) == 6):
                continue
            data_type = actual.get(model or "", {}).get(column_match.group(2))
            if data_type is None:
                continue
            # drop an existing data_type line of this column, then write the warehouse's
            lookahead = index
            while lookahead < len(lines) and lines[lookahead].startswith(" " * 8):
                if _DATA_TYPE.match(lines[lookahead]) and lines[lookahead].startswith(" " * 8 + "data_type"):
                    del lines[lookahead]
                    break
                lookahead += 1
            out.append(f"{' ' * 8}data_type: {data_type}\n")
        text = "".join(out)
        if text != path.read_text():
            path.write_text(text)
            changed.append(str(path.relative_to(PROJECT_DIR)) if path.is_relative_to(PROJECT_DIR) else str(path))
    return changed
