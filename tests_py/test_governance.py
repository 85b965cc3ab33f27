"""Governance: groups, access and enforced model contracts on the public marts (docs/GOVERNANCE.md).

Reads the manifest of the shared warehouse build; the enforcement proof runs one model of a copy of the
project (with one column type changed) against a copy of that warehouse."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR

from gtm_warehouse import model_contracts

GROUPS = {"core", "marketing", "sales", "customer_success"}


@pytest.fixture(scope="module")
def manifest(built_warehouse) -> dict:
    return json.loads((built_warehouse["workdir"] / "target" / "manifest.json").read_text())


def _models(manifest: dict, layer: str) -> list[dict]:
    return [n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["package_name"] == "gtm_warehouse" and n["fqn"][1] == layer]


def test_groups_have_owners(manifest):
    groups = {g["name"]: g for g in manifest["groups"].values()}
    assert set(groups) == GROUPS
    assert all(g["owner"].get("email") and g["owner"].get("name") for g in groups.values())


def test_marts_are_public_contracted_and_owned(manifest):
    marts = _models(manifest, "marts")
    assert marts
    for node in marts:
        assert node["access"] == "public", node["name"]
        assert node["group"] == {"marketing": "marketing", "sales": "sales", "core": "core",
                                 "customer_success": "customer_success"}[node["fqn"][2]], node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
        missing = [c for c, spec in node["columns"].items() if not spec.get("data_type")]
        assert not missing, f"{node['name']}: columns without data_type: {missing}"
        if node["config"]["materialized"] == "incremental":
            assert node["config"]["on_schema_change"] in ("fail", "append_new_columns"), node["name"]


def test_intermediate_models_are_protected_and_grouped(manifest):
    for node in _models(manifest, "intermediate"):
        assert node["access"] in ("protected", "private"), node["name"]
        assert node["group"] in GROUPS, node["name"]


def test_contract_types_match_the_built_warehouse(built_warehouse):
    assert built_warehouse["build"].returncode == 0
    problems = model_contracts.check(built_warehouse["database"])
    assert not problems, "\n".join(map(str, problems))


def test_contract_types_cli_check_and_write(tmp_path):
    """--write fills in a tiny mart's data_types (portable spelling) and --check then passes."""
    database = tmp_path / "w.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema marts")
    con.execute("create table marts.dim_x as select 'a' as x_id, 1::bigint as n, 1.5::double as share, "
                "current_date as d, 2::hugeint as big")
    con.close()
    marts = tmp_path / "marts" / "core"
    marts.mkdir(parents=True)
    yml = marts / "_core__models.yml"
    yml.write_text("version: 2\n\nmodels:\n  - name: dim_x\n    description: x\n    columns:\n"
                   "      - name: x_id\n        description: id\n        data_tests:\n          - unique\n"
                   "      - name: n\n        data_type: varchar\n        description: a count\n"
                   "      - name: share\n      - name: d\n      - name: big\n"
                   "  - name: dim_not_built\n    columns:\n      - name: y\n")
    problems = model_contracts.check(database, tmp_path / "marts")
    assert {(p.column, p.documented, p.actual) for p in problems} == {
        ("x_id", None, "string"), ("n", "varchar", "bigint"), ("share", None, "double"), ("d", None, "date"),
        ("big", None, "hugeint")}
    model_contracts.write(database, tmp_path / "marts")
    assert model_contracts.check(database, tmp_path / "marts") == []
    text = yml.read_text()
    assert "      - name: x_id\n        data_type: string\n        description: id\n        data_tests:\n" in text
    assert "varchar" not in text and text.count("data_type:") == 5
    # the CLI: a missing database is one line and exit 2
    result = subprocess.run([sys.executable, "scripts/contract_types.py", "--check", "--database",
                             str(tmp_path / "absent.duckdb")], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 2 and "build the warehouse first" in result.stderr


def test_a_changed_column_type_fails_the_build(built_warehouse, tmp_path):
    """In a copy of the project, dim_person_identifiers.event_count becomes text in SQL only: dbt refuses to
    build the model (contract error) and the warehouse keeps the contracted table."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".venv", "data", "target", "logs", ".git", "dbt_packages", "__pycache__", "bench", "tests_py"))
    model = project / "models" / "marts" / "core" / "dim_person_identifiers.sql"
    sql = model.read_text()
    assert "        event_count,\n" in sql
    model.write_text(sql.replace("        event_count,\n", "        cast(event_count as varchar) as event_count,\n"))
    database = tmp_path / "gtm.duckdb"
    shutil.copy(built_warehouse["database"], database)
    env = {**os.environ, "DUCKDB_PATH": str(database), "DBT_TARGET": "duckdb"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "--select", "dim_person_identifiers",
         "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project, capture_output=True, text=True, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "contract" in output.lower() and "event_count" in output, output[-3000:]
    con = duckdb.connect(str(database), read_only=True)
    try:
        kind = con.execute("""select data_type from information_schema.columns where table_schema = 'marts'
            and table_name = 'dim_person_identifiers' and column_name = 'event_count'""").fetchall()
    finally:
        con.close()
    assert kind == [("BIGINT",)]
