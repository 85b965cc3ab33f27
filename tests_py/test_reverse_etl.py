"""Reverse ETL (scripts/reverse_etl.py, gtm_warehouse/reverse_etl): every destination exports from the
session warehouse (a copy: the exporter keeps its state in the warehouse), a rerun writes nothing, the
diff after new events + an incremental build equals an independent recomputation, a SIGKILL leaves no
partial file, ad exports are hashed and consented, deleted people are in no file, rejected rows and the
threshold, dry runs, and the one-line errors.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from conftest import PROJECT_DIR, run_dbt
from gtm_warehouse.reverse_etl import Warehouse, load_destinations, run_export, select
from gtm_warehouse.reverse_etl.config import EXPOSURES_FILE
from gtm_warehouse.reverse_etl.sync import manifest_path

GOOGLE_ADS_COLUMNS = ["Google Click ID", "Email", "Phone Number", "Conversion Name", "Conversion Time",
                      "Conversion Value", "Conversion Currency", "Order ID"]
META_COLUMNS = ["event_name", "event_time", "action_source", "event_id", "em", "ph", "fbc", "fbp", "value",
                "currency"]
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Destinations synced around the incremental rebuild (the tool-facing diff modes).
DIFF_DESTINATIONS = ["crm", "sales_engagement", "email_tool"]


def _sync(database: Path, export_dir: Path, names: list[str] | None = None, **kwargs):
    wh = Warehouse.open_duckdb(database, read_only=kwargs.pop("read_only", False))
    try:
        return run_export(wh, select(load_destinations(), names), export_dir, log=lambda _: None,
                          progress=False, **kwargs)
    finally:
        wh.con.close()


def _files(export_dir: Path) -> set[str]:
    return {str(p.relative_to(export_dir)) for p in export_dir.rglob("*") if p.is_file()}


def _data_files(export_dir: Path) -> list[Path]:
    """Every data file (partition files of a snapshot folder included), not manifests."""
    return [p for p in export_dir.rglob("*") if p.is_file() and not p.name.endswith(".manifest.json")
            and ".tmp" not in p.parts]


def _outputs(export_dir: Path) -> list[Path]:
    """Every output of a sync: a data file or a snapshot folder of partitions (each with one manifest)."""
    return [item for item in export_dir.glob("*/*/*") if not item.name.endswith(".manifest.json")
            and not any(part.startswith(".") for part in item.relative_to(export_dir).parts)]


def _complete(output: Path) -> bool:
    """The output's manifest exists and every file it lists is on disk with that sha256."""
    manifest = manifest_path(output)
    if not manifest.exists():
        return False
    for entry in json.loads(manifest.read_text())["files"]:
        path = output / entry["path"] if output.is_dir() else output
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            return False
    return True


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    if path.suffix == ".csv":
        return f"read_csv('{path}', all_varchar = true, header = true)"
    return f"read_parquet('{path}')"


def _state(database: Path) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute("select destination, object, sync_key, row_hash, status from reverse_etl.sync_state "
                           "order by all").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def synced(built_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("reverse_etl")
    database = root / "gtm.duckdb"
    shutil.copy(built_warehouse["database"], database)
    export_dir = root / "exports"
    first = _sync(database, export_dir)
    files_first = _files(export_dir)
    second = _sync(database, export_dir)
    return {"root": root, "database": database, "export_dir": export_dir, "first": first, "second": second,
            "files_first": files_first, "files_second": _files(export_dir)}


def _copy(synced, name: str) -> tuple[Path, Path]:
    """A copy of the synced warehouse (state included) and of its export folder, to mutate."""
    root = synced["root"] / name
    root.mkdir()
    shutil.copy(synced["database"], root / "gtm.duckdb")
    shutil.copytree(synced["export_dir"], root / "exports")
    return root / "gtm.duckdb", root / "exports"


# --- config -------------------------------------------------------------------------------------------

def test_each_exposure_depends_on_exactly_the_models_its_objects_read():
    destinations = load_destinations()
    assert len(destinations) >= 9
    raw = yaml.safe_load(EXPOSURES_FILE.read_text())["exposures"]
    assert {e["name"] for e in raw} == {d.name for d in destinations}, "an exposure without reverse_etl config"
    for dest in destinations:
        assert sorted(set(dest.depends_on)) == sorted({o.model for o in dest.objects}), dest.name
        assert len(dest.depends_on) == len(set(dest.depends_on)), dest.name


def test_bi_exports_every_mart_but_the_excluded_ones():
    marts = set()
    for path in glob.glob(str(PROJECT_DIR / "models" / "marts" / "*" / "*.sql")):
        marts.add(Path(path).stem)
    bi = select(load_destinations(), ["bi"])[0]
    assert set(bi.excluded_models) <= marts
    assert {o.model for o in bi.objects} == marts - set(bi.excluded_models)
    assert all(reason for reason in bi.excluded_models.values())


# --- syncs on the session warehouse ---------------------------------------------------------------------

def test_every_destination_exports(synced):
    results = synced["first"]
    assert [r for r in results if r.status != "ok"] == []
    export_dir = synced["export_dir"]
    for dest in load_destinations():
        for obj in dest.objects:
            folder = export_dir / dest.name / obj.name
            assert folder.is_dir() and any(folder.iterdir()), f"{dest.name}.{obj.name} wrote nothing"
    # every data file is complete: its manifest's rows and sha256 match what is on disk
    con = duckdb.connect()
    manifests = list(export_dir.rglob("*.manifest.json"))
    assert manifests
    for manifest in manifests:
        meta = json.loads(manifest.read_text())
        target = manifest.with_name(manifest.name.removesuffix(".manifest.json"))
        assert meta["run_id"] and meta["mode"] in ("full", "upsert", "mirror")
        for entry in meta["files"]:
            path = target / entry["path"] if target.is_dir() else target
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
            assert con.execute(f"select count(*) from {_read(con, path)}").fetchall()[0][0] == entry["rows"]
    # tool files carry exactly the mapped destination fields, in order
    crm = select(load_destinations(), ["crm"])[0].objects[0]
    leads = next((export_dir / "crm" / "leads").glob("*.upserts.csv"))
    assert leads.read_text().splitlines()[0].split(",") == [f.name for f in crm.fields]
    # the run log has one row per object
    log = duckdb.connect(str(synced["database"]), read_only=True)
    runs = log.execute("select count(distinct run_id), count(*) from reverse_etl.run_log").fetchall()[0]
    log.close()
    assert runs == (2, 2 * len(results))


def test_second_run_with_no_change_writes_nothing(synced):
    assert synced["files_second"] == synced["files_first"]
    assert all(r.written == 0 and r.added == r.changed == r.deleted == 0 for r in synced["second"])
    assert {r.status for r in synced["second"]} <= {"ok", "unchanged"}


def test_ad_exports_are_in_the_platform_layout_hashed_and_consented(synced):
    export_dir, con = synced["export_dir"], duckdb.connect()
    con.execute(f"attach '{synced['database']}' as wh (read_only)")
    for platform, folder, columns, id_column, hashed in (
        ("google_ads", "google_ads", GOOGLE_ADS_COLUMNS, "Order ID", ("Email", "Phone Number")),
        ("meta", "meta_ads", META_COLUMNS, "event_id", ("em", "ph")),
    ):
        frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
                  for p in (export_dir / folder / "offline_conversions").glob("*.upserts.csv")]
        frame = pd.concat(frames)
        assert list(frame.columns) == columns
        assert len(frame) > 0
        cells = frame.to_numpy().ravel()
        assert not any("@" in cell for cell in cells), f"{folder}: plaintext email"
        for column in hashed:
            assert all(v == "" or SHA256.match(v) for v in frame[column]), f"{folder}.{column} not SHA-256"
        # identifier columns hold no phone number in clear either
        for column in (*hashed, id_column, columns[0] if platform == "google_ads" else "fbc"):
            assert not any(re.fullmatch(r"\+?(?:[0-9][ ().-]*){7,15}", v) for v in frame[column]), column
        # exactly the consented, exportable conversions of that platform
        expected = {r[0] for r in con.execute(f"""
            select event_id from wh.marts.fct_ad_conversions
            where platform = '{platform}' and is_exportable and is_consented_now and released_at is not null
        """).fetchall()}
        assert set(frame[id_column]) == expected
        unconsented = con.execute(f"""select count(*) from wh.marts.fct_ad_conversions
            where platform = '{platform}' and not coalesce(is_consented_now, false)""").fetchall()[0][0]
        assert unconsented > 0  # the data does hold unconsented conversions: they were left out


def test_deleted_people_are_in_no_export_file(synced):
    con = duckdb.connect()
    con.execute(f"attach '{synced['database']}' as wh (read_only)")
    erased = con.execute("select count(*) from wh.intermediate.int_erased_identifiers").fetchall()[0][0]
    assert erased > 0, "the data set must erase someone for this test to mean anything"
    requested = [r[0] for r in con.execute("""select distinct lower(trim(email)) from wh.staging.stg_privacy__deletion_requests
        where email is not null""").fetchall()]
    sha = {hashlib.sha256(e.encode()).hexdigest() for e in requested}
    con.execute("create temp table erased as select distinct identifier_hash from wh.intermediate.int_erased_identifiers")
    con.execute("create temp table sha (h varchar)")
    if sha:
        con.executemany("insert into sha values (?)", [(h,) for h in sha])
    files = _data_files(synced["export_dir"])
    assert len(files) > 70
    for path in files:
        rel = _read(con, path)
        columns = [r[0] for r in con.execute(f"describe select * from {rel}").fetchall()]
        cells = " union all ".join(f'select cast("{c}" as varchar) as v from {rel}' for c in columns)
        hits = con.execute(f"""select count(*) from ({cells}) as cells
            where v is not null and (md5(v) in (select identifier_hash from erased) or v in (select h from sha))""").fetchall()[0][0]
        assert hits == 0, f"{path}: {hits} values of erased people"


def test_erased_person_is_dropped_and_mirrored_as_a_delete(synced):
    database, export_dir = _copy(synced, "guard")
    con = duckdb.connect(str(database))
    email = con.execute("""select min(email) from marts.dim_persona_audience_members where has_email""").fetchall()[0][0]
    keys = sorted(r[0] for r in con.execute("""select audience_member_key from marts.dim_persona_audience_members
        where has_email and email = ?""", [email]).fetchall())
    # a deletion request that arrived after the build: the exporter's guard drops the rows before the mart does
    con.execute("insert into intermediate.int_erased_identifiers values ('dsr_test', 'email', md5(?))", [email])
    con.close()
    results = {r.object: r for r in _sync(database, export_dir, ["email_tool"])}
    members = results["persona_audience_members"]
    assert (members.erased, members.deleted, members.added, members.changed) == (len(keys), len(keys), 0, 0)
    deletes = next((export_dir / "email_tool" / "persona_audience_members").glob("*.deletes.csv"))
    assert sorted(pd.read_csv(deletes, dtype=str)["external_id"]) == keys
    written = [export_dir / f for r in results.values() for f in r.files]
    assert written and not any(email in p.read_text() for p in written if p.suffix == ".csv")


def test_rejected_rows_go_to_their_file_and_the_threshold_stops_a_destination(synced):
    database, export_dir = _copy(synced, "rejected")
    con = duckdb.connect(str(database))
    # one sales-audience member loses its email (1 of ~100+ rows: under the 1% threshold? see below)
    total = con.execute("select count(*) from marts.rpt_sales_audience_members_current").fetchall()[0][0]
    bad_key = con.execute("""update marts.rpt_sales_audience_members_current set email = null
        where audience_member_id = (select min(audience_member_id) from marts.rpt_sales_audience_members_current)
        returning audience_member_id""").fetchall()[0][0]
    # an ad conversion whose hashed email is plaintext: the ad destinations allow no rejected row
    con.execute("""update marts.fct_ad_conversions set hashed_email = 'jane.doe@example.com'
        where ad_conversion_key = (select min(ad_conversion_key) from marts.fct_ad_conversions
                                   where platform = 'google_ads' and is_exportable)""")
    con.close()
    state_before = _state(database)
    files_before = _files(export_dir)
    results = {f"{r.destination}.{r.object}": r for r in _sync(database, export_dir, ["sales_engagement", "google_ads"])}
    members = results["sales_engagement.audience_members"]
    if 1 / total <= 0.01:
        assert members.status == "ok" and members.rejected == 1
        assert members.reasons == {"required_missing:email": 1}
        rejected = next((export_dir / "sales_engagement" / "audience_members").glob("*.rejected.csv"))
        assert pd.read_csv(rejected, dtype=str).to_dict("records") == [{"_key": bad_key, "reason": "required_missing:email"}]
    ads = results["google_ads.offline_conversions"]
    assert ads.status == "failed" and "plaintext_email:hashed_email" in ads.message and "not written" in ads.message
    new_files = _files(export_dir) - files_before
    assert not any(f.startswith("google_ads/") for f in new_files)
    assert [s for s in _state(database) if s[0] == "google_ads"] == [s for s in state_before if s[0] == "google_ads"]
    con = duckdb.connect(str(database), read_only=True)
    status, message = con.execute("""select status, message from reverse_etl.run_log
        where destination = 'google_ads' order by started_at desc limit 1""").fetchall()[0]
    con.close()
    assert status == "failed" and "plaintext_email" in message
    # the same rejected row is not reported again on the next run (it is still rejected, not resent)
    folder = export_dir / "sales_engagement" / "audience_members"
    rejected_files = set(folder.glob("*.rejected.csv"))
    again = {f"{r.destination}.{r.object}": r for r in _sync(database, export_dir, ["sales_engagement"])}
    assert again["sales_engagement.audience_members"].written == 0
    assert again["sales_engagement.audience_members"].rejected == members.rejected
    assert set(folder.glob("*.rejected.csv")) == rejected_files


def test_dry_run_reports_and_writes_nothing(synced):
    database, export_dir = _copy(synced, "dry")
    con = duckdb.connect(str(database))
    con.execute("delete from marts.rpt_sales_audience_members_current where audience_member_id = "
                "(select min(audience_member_id) from marts.rpt_sales_audience_members_current)")
    con.execute("update marts.dim_account_health_current set health_score = health_score - 1 where account_id = "
                "(select min(account_id) from marts.dim_account_health_current where health_score >= 1)")
    con.close()
    state, files = _state(database), _files(export_dir)
    results = {f"{r.destination}.{r.object}": r for r in _sync(database, export_dir, ["sales_engagement", "cs_tool"],
                                                               dry_run=True, read_only=True)}
    assert results["sales_engagement.audience_members"].deleted == 1
    assert results["cs_tool.account_health"].changed == 1
    assert results["cs_tool.account_health"].samples
    assert _state(database) == state and _files(export_dir) == files


# --- incremental: new events, incremental build, diff == recomputation ----------------------------------

def _object_rows(export_dir: Path, dest: str, obj: str, kinds: tuple[str, ...]) -> dict[str, dict]:
    """Rows of an object's files of the given kinds, by key (the first mapped field is the key)."""
    rows: dict[str, dict] = {}
    for path in sorted((export_dir / dest / obj).glob("*.csv")):
        kind = path.name.split(".")[-2]
        if kind not in kinds:
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for record in frame.to_dict("records"):
            rows[next(iter(record.values()))] = record
    return rows


def test_diff_after_new_events_and_incremental_build_equals_recomputation(synced):
    database, export_dir = _copy(synced, "incremental")
    for path in export_dir.iterdir():
        if path.name not in DIFF_DESTINATIONS:
            shutil.rmtree(path)
    con = duckdb.connect(str(database))
    # a late batch: a third of the last fortnight's identified page views again, two hours later, loaded
    # after everything else (new message ids)
    types = {row[0]: row[1] for row in con.execute("describe raw.pages").fetchall()}

    def later(column: str) -> str:
        if types[column].startswith("TIMESTAMP"):
            return f'"{column}" + interval 2 hour as "{column}"'
        # device timestamps may be ISO-8601 text (the raw contract keeps them as sent)
        shifted_text = f"strftime(try_cast(\"{column}\" as timestamptz) + interval 2 hour, '%Y-%m-%dT%H:%M:%S.%gZ')"
        return f'coalesce({shifted_text}, "{column}") as "{column}"'
    shifted = ", ".join(later(c) for c in ("received_at", "sent_at", "timestamp", "original_timestamp"))
    con.execute(f"""insert into raw.pages select * replace ('late-' || id as id, {shifted},
            (select max(uuid_ts) from raw.pages) + interval 1 hour as uuid_ts)
        from raw.pages
        where user_id is not null and hash(id) % 3 = 0
          and received_at >= (select max(received_at) - interval 14 day from raw.pages)""")
    con.close()
    before = {(d, o.name): _object_rows(export_dir, d, o.name, ("upserts", "adds", "changes"))
              for d in DIFF_DESTINATIONS for o in select(load_destinations(), [d])[0].objects}
    models = sorted({o.model for d in select(load_destinations(), DIFF_DESTINATIONS) for o in d.objects})
    run_dbt(["run", "--select", *(f"+{m}" for m in models)], database, synced["root"] / "incremental_dbt")
    results = _sync(database, export_dir, DIFF_DESTINATIONS)
    assert all(r.status == "ok" for r in results)
    run_id = results[0].run_id
    # recomputation: everything the destination should hold now (a full resync into another folder)
    # against what it held (the first sync's files); the incremental run's files must be exactly the diff
    resync_db = synced["root"] / "incremental" / "resync.duckdb"
    shutil.copy(database, resync_db)
    con = duckdb.connect(str(resync_db))
    con.execute("drop schema reverse_etl cascade")
    con.close()
    resync_dir = synced["root"] / "incremental" / "resync"
    _sync(resync_db, resync_dir, DIFF_DESTINATIONS)
    changed_total = 0
    for dest in DIFF_DESTINATIONS:
        for obj in select(load_destinations(), [dest])[0].objects:
            old, new = before[(dest, obj.name)], _object_rows(resync_dir, dest, obj.name, ("upserts", "adds"))
            adds = {k for k in new if k not in old}
            changes = {k for k in new if k in old and new[k] != old[k]}
            deletes = {k for k in old if k not in new}
            latest = {}
            for kind in ("upserts", "adds", "changes", "deletes"):
                paths = list((export_dir / dest / obj.name).glob(f"{run_id}.{kind}.csv"))
                latest[kind] = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]) \
                    if paths else pd.DataFrame()
            def keys(frame):
                return set(frame.iloc[:, 0]) if len(frame) else set()
            if obj.mode == "upsert":
                assert keys(latest["upserts"]) == adds | changes, f"{dest}.{obj.name}"
                for record in latest["upserts"].to_dict("records"):
                    assert record == new[next(iter(record.values()))]
            else:
                assert keys(latest["adds"]) == adds, f"{dest}.{obj.name} adds"
                assert keys(latest["changes"]) == changes, f"{dest}.{obj.name} changes"
                assert keys(latest["deletes"]) == deletes, f"{dest}.{obj.name} deletes"
            changed_total += len(adds | changes | deletes)
    assert changed_total > 0, "the late batch changed nothing: the test would prove nothing"


# --- crash safety ---------------------------------------------------------------------------------------

def _cli(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "scripts/reverse_etl.py", "--quiet", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, env=full_env, **kwargs)


@pytest.mark.parametrize("step", ["finance.attribution_credits", "commit:finance"])
def test_sigkill_mid_run_leaves_no_partial_file_and_next_run_completes(synced, step):
    """Killed after its first object's file is staged, or after the files are renamed into place but before
    the state is committed (finance: full snapshots, so the subprocess needs no Great Expectations)."""
    database, export_dir = _copy(synced, "kill_" + step.replace(":", "_").replace(".", "_"))
    con = duckdb.connect(str(database))
    con.execute("update marts.fct_attribution_credits set touch_count = touch_count + 1")
    con.execute("update marts.rpt_channel_performance set spend = coalesce(spend, 0) + 1")
    con.close()
    state = _state(database)
    pause = database.parent / "paused"
    proc = subprocess.Popen(
        [sys.executable, "scripts/reverse_etl.py", "--quiet", "--destination", "finance",
         "--database", str(database), "--export-dir", str(export_dir)], cwd=PROJECT_DIR,
        env={**os.environ, "GTM_RETL_PAUSE_AT": step, "GTM_RETL_PAUSE_FILE": str(pause)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not pause.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _state(database) == state  # nothing confirmed
    # no partial file: every output outside the staging folder is complete (its manifest matches)
    incomplete = [o for o in _outputs(export_dir) if not _complete(o)]
    assert incomplete == []
    if step.startswith("commit:"):  # renamed, complete, unconfirmed: the next run sends them again
        assert len(list((export_dir / "finance" / "channel_performance").glob("*.full.parquet"))) == 2
    else:
        assert (export_dir / ".tmp").exists()
    results = {r.object: r for r in _sync(database, export_dir, ["finance"])}
    assert results["attribution_credits"].status == "ok" and results["channel_performance"].status == "ok"
    assert not (export_dir / ".tmp").exists()
    assert all(_complete(o) for o in _outputs(export_dir))
    assert [s for s in _state(database) if s[0] == "finance"] != [s for s in state if s[0] == "finance"]
    # the sync completed: one more run sends nothing
    assert all(r.written == 0 for r in _sync(database, export_dir, ["finance"]))


# --- one-line errors ------------------------------------------------------------------------------------

def _one_line_error(result, expected: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


def test_errors_are_one_line(synced, tmp_path):
    database = synced["database"]
    _one_line_error(_cli("--destination", "nowhere", "--database", str(database)), "unknown destination 'nowhere'")
    _one_line_error(_cli("--database", str(tmp_path / "missing.duckdb")), "does not exist")
    config = tmp_path / "exposures.yml"
    config.write_text(EXPOSURES_FILE.read_text().replace("GTM_Signal_Score__c: score", "GTM_Signal_Score__c: scroe", 1))
    _one_line_error(_cli("--config", str(config), "--destination", "crm", "--database", str(database),
                         "--export-dir", str(tmp_path / "e")), "mapping names column 'scroe'")
    locked = tmp_path / "locked.duckdb"
    shutil.copy(database, locked)
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect('{locked}'); "
                               "print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        _one_line_error(_cli("--database", str(locked), "--export-dir", str(tmp_path / "e")), "locked by another process")
    finally:
        holder.kill()
        holder.wait()


# --- Spark target ---------------------------------------------------------------------------------------

@pytest.mark.spark
def test_spark_build_exports_the_same_rows_as_duckdb(tmp_path):
    """`make test-spark` builds the same data on both engines: the exporter reads Spark's parquet tables
    (state in a DuckDB file) and sends the same objects, row counts and keys as from the DuckDB warehouse
    (values themselves are compared engine to engine by compare_engines.py, floats with a tolerance)."""
    from gtm_warehouse.spark import state_dir, warehouse_dir
    database = Path(os.environ.get("DUCKDB_PATH", ""))
    if not database.is_file() or not warehouse_dir().is_dir():
        pytest.skip("needs the DuckDB and Spark builds of `make test-spark`")
    copy = tmp_path / "gtm.duckdb"
    shutil.copy(database, copy)
    duck = _cli("--database", str(copy), "--export-dir", str(tmp_path / "duckdb"))
    assert duck.returncode == 0, duck.stderr
    state = tmp_path / "spark_state.duckdb"
    spark = _cli("--target", "spark", "--state-db", str(state), "--export-dir", str(tmp_path / "spark"))
    assert spark.returncode == 0, spark.stderr + spark.stdout
    assert state.exists() and not (state_dir() / "reverse_etl.duckdb").exists()

    def summary(folder: Path) -> dict[str, tuple[int, list[str]]]:
        out = {}
        for manifest in folder.rglob("*.manifest.json"):
            meta = json.loads(manifest.read_text())
            target = manifest.with_name(manifest.name.removesuffix(".manifest.json"))
            keys = []
            if target.suffix == ".csv" and meta["kind"] != "rejected":
                keys = sorted(pd.read_csv(target, dtype=str, keep_default_na=False).iloc[:, 0])
            out[f"{meta['destination']}.{meta['object']}.{meta['kind']}"] = (meta["rows"], keys)
        return out

    assert summary(tmp_path / "spark") == summary(tmp_path / "duckdb")
    # a second run against Spark writes nothing (its state is kept in the DuckDB file)
    again = _cli("--target", "spark", "--state-db", str(state), "--export-dir", str(tmp_path / "spark"))
    assert again.returncode == 0 and "0 rows written" in again.stdout


@pytest.mark.parametrize(("value", "is_phone"), [
    ("+1 (415) 555-0100", True), ("4155550100", True), ("+44 20 7946 0958", True), ("415.555.0100", True),
    ("1234567", True), ("123456789012345", True),  # 7 and 15 digits: E.164's least and most
    ("123456", False), ("8676869991759464", False),  # too short; a 16-digit click id seen at 10M events
    ("39122bcffa3a6a93", False), ("a@b.co", False),
])
def test_plaintext_phone_rule_follows_e164_length(value, is_phone):
    from gtm_warehouse.reverse_etl.validate import PHONE
    assert bool(re.match(PHONE, value)) is is_phone
