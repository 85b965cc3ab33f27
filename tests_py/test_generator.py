"""Tests of the synthetic data generator (small runs into tmp dirs; whole file well under a minute)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gtm_warehouse.contract import load_contract
from gtm_warehouse.generator import GeneratorConfig, generate, parse_as_of
from gtm_warehouse.generator import config as C
from gtm_warehouse.generator import defects as D
from gtm_warehouse.generator.writer import ARROW_TYPES, CLIENT_TIMESTAMPS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate_data.py"
N = 20_000
BAD = 0.05
CORE = ["pages", "tracks", "identifies", "groups"]
CONTRACT = load_contract()
SEGMENT = [n for n, t in CONTRACT.items() if t.source == "segment"]
EVENT_TABLES = [n for n, t in CONTRACT.items() if t.segment_event_table]


def run_api(out: Path, seed: int = 7, **kw) -> dict:
    cfg = GeneratorConfig(events=N, seed=seed, out=out / "raw", truth=out / "truth",
                          as_of_us=parse_as_of(C.DEFAULT_AS_OF), bad_rate=kw.pop("bad_rate", BAD), quiet=True, **kw)
    return generate(cfg)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def gen(tmp_path_factory) -> Path:
    """The main run, through the CLI (so the CLI happy path is covered too)."""
    d = tmp_path_factory.mktemp("gen")
    r = run_cli("--events", str(N), "--seed", "7", "--out", str(d / "raw"), "--bad-rate", str(BAD), "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # --quiet: no summary
    return d


def read(d: Path, table: str, part: str = "raw") -> pd.DataFrame:
    return pq.read_table(d / part / f"{table}.parquet").to_pandas()


def truth(d: Path, name: str) -> pd.DataFrame:
    return pq.read_table(d / "truth" / f"{name}.parquet").to_pandas()


def test_every_contract_table_with_exact_columns_and_types(gen: Path) -> None:
    files = sorted(p.stem for p in (gen / "raw").glob("*.parquet"))
    assert files == sorted(CONTRACT)
    for name, t in CONTRACT.items():
        schema = pq.read_schema(gen / "raw" / f"{name}.parquet")
        assert schema.names == t.column_names, name
        for c in t.columns:
            want = pa.string() if (t.source == "segment" and c.name in CLIENT_TIMESTAMPS) else ARROW_TYPES[c.data_type]
            assert schema.field(c.name).type == want, (name, c.name)
    for name in CONTRACT:
        if name not in ("app_destinations", "privacy_deletion_requests"):
            assert pq.read_metadata(gen / "raw" / f"{name}.parquet").num_rows > 0, name
    assert not (gen / "raw" / "truth").exists()


def test_event_count_and_manifest(gen: Path) -> None:
    m = json.loads((gen / "truth" / "manifest.json").read_text())
    n = sum(pq.read_metadata(gen / "raw" / f"{t}.parquet").num_rows for t in CORE)
    assert m["events_written"] == n
    assert abs(n - N) / N < 0.05
    assert m["seed"] == 7 and m["as_of"] == "2026-11-01T00:00:00Z"
    assert set(m["row_counts"]) == set(CONTRACT)
    assert m["conversion_drivers"]


def test_deterministic_same_seed_identical_bytes(gen: Path, tmp_path: Path) -> None:
    run_api(tmp_path / "a")
    for p in sorted((gen / "raw").glob("*.parquet")):
        assert (tmp_path / "a" / "raw" / p.name).read_bytes() == p.read_bytes(), p.name
    for p in sorted((gen / "truth").glob("*.parquet")):
        assert (tmp_path / "a" / "truth" / p.name).read_bytes() == p.read_bytes(), p.name
    run_api(tmp_path / "b", seed=8)
    assert (tmp_path / "b" / "raw" / "tracks.parquet").read_bytes() != (gen / "raw" / "tracks.parquet").read_bytes()
    ids_a = set(read(gen, "tracks")["id"])
    ids_b = set(read(tmp_path / "b", "tracks")["id"])
    assert not ids_a & ids_b


def test_defect_shares_match_documented_rates(gen: Path) -> None:
    ev = truth(gen, "events")
    core = ev[ev.table_name.isin(CORE)]
    n = len(core)
    counts = core.defect.value_counts()
    for code, (share, _) in D.ROW_DEFECTS.items():
        expected = share * BAD * n
        if code == "late_arriving":
            expected *= 0.9  # events of the last hours cannot arrive late before as-of
        got = counts.get(code, 0)
        assert abs(got - expected) < 5 * np.sqrt(expected) + 5, (code, got, expected)
    bad = core.defect.isin(list(D.ROW_DEFECTS)).mean()
    assert abs(bad - BAD) < 0.2 * BAD
    q = core.dropna(subset=["expected_quarantine_reason"])
    assert set(q.expected_quarantine_reason) == {"missing_identity", "unparseable_timestamp", "timestamp_in_future"}
    assert (q.defect.map(D.QUARANTINE) == q.expected_quarantine_reason).all()


def test_defects_are_visible_in_raw(gen: Path) -> None:
    ev = truth(gen, "events")
    tr = read(gen, "tracks")
    pg = read(gen, "pages")
    raw = pd.concat([tr[["id", "anonymous_id", "user_id", "timestamp", "original_timestamp", "received_at", "sent_at"]],
                     pg[["id", "anonymous_id", "user_id", "timestamp", "original_timestamp", "received_at", "sent_at"]]])
    e = ev[ev.table_name.isin(["tracks", "pages"])].drop_duplicates("message_id").set_index("message_id")
    raw = raw.join(e[["defect", "event_time", "n_copies"]], on="id")
    miss = raw[raw.defect == "missing_identity"]
    assert len(miss) and miss.anonymous_id.isna().all() and miss.user_id.isna().all()
    both = raw[raw.defect == "placeholder_ids_both"]
    assert both.anonymous_id.isin(D.PLACEHOLDERS).all() and both.user_id.isin(D.PLACEHOLDERS).all()
    one = raw[raw.defect == "placeholder_id_one"]
    real = lambda s: s.notna() & ~s.isin(D.PLACEHOLDERS)  # noqa: E731
    assert (real(one.anonymous_id) ^ real(one.user_id)).all()
    bad_ts = raw[raw.defect == "unparseable_timestamp"]
    assert pd.to_datetime(bad_ts.timestamp, errors="coerce", format="ISO8601").isna().all()
    assert pd.to_datetime(bad_ts.original_timestamp, errors="coerce", format="ISO8601").isna().all()
    fut = raw[raw.defect == "future_timestamp"]
    assert (pd.to_datetime(fut.timestamp).dt.tz_localize(None) > fut.received_at + pd.Timedelta(days=365)).all()
    assert raw[raw.defect == "null_timestamp"].timestamp.isna().all()
    dup = raw[raw.defect == "duplicate_message_id"]
    sizes = dup.groupby("id").size()
    assert (sizes >= 2).all()
    assert (sizes == dup.drop_duplicates("id").set_index("id").n_copies.loc[sizes.index]).all()
    # Segment's rule recovers the true time wherever the client timestamps are parseable
    ok = raw[raw.defect.isna() | raw.defect.isin(["clock_skew", "late_arriving", "null_timestamp"])]
    sent = pd.to_datetime(ok.sent_at).dt.tz_localize(None)
    orig = pd.to_datetime(ok.original_timestamp).dt.tz_localize(None)
    assert ((ok.received_at - (sent - orig)) == ok.event_time).all()
    clean = ok[ok.timestamp.notna()]
    assert (pd.to_datetime(clean.timestamp).dt.tz_localize(None) == clean.event_time).all()
    skew = ok[ok.defect == "clock_skew"]
    assert len(skew) and (orig[ok.defect == "clock_skew"] != skew.event_time).all()
    late = ok[ok.defect == "late_arriving"]
    assert (late.received_at - late.event_time >= pd.Timedelta(hours=1)).all()


def test_truth_covers_every_message_and_per_event_rows_match_tracks(gen: Path) -> None:
    ev = truth(gen, "events")
    assert not ev.duplicated(["table_name", "message_id"]).any()
    for t in SEGMENT:
        ids = set(read(gen, t)["id"])
        assert ids == set(ev.loc[ev.table_name == t, "message_id"]), t
    tracks = read(gen, "tracks").drop_duplicates("id").set_index("id")
    cols = ["anonymous_id", "user_id", "received_at", "sent_at", "timestamp", "original_timestamp", "uuid_ts", "event"]
    seen = 0
    for t in EVENT_TABLES:
        df = read(gen, t).drop_duplicates("id").set_index("id")
        assert df.index.isin(tracks.index).all(), t
        assert (df.event == t).all()
        pd.testing.assert_frame_equal(df[cols], tracks.loc[df.index, cols], check_names=False)
        seen += len(df)
    assert seen and (tracks.event.isin(["cta_clicked", "docs_searched", "experiment_viewed"])).any()
    assert (tracks.event_text.str.lower().str.replace(" ", "_") == tracks.event).all()


def test_sessions_follow_the_30_minute_rule(gen: Path) -> None:
    ev = truth(gen, "events")
    web = ev[ev.true_session_id.notna()].drop_duplicates("message_id")
    ses = truth(gen, "sessions").set_index("true_session_id")
    web = web.join(ses[["anonymous_id"]], on="true_session_id").sort_values(["true_session_id", "event_time"])
    gaps = web.groupby("true_session_id").event_time.diff().dropna()
    assert gaps.max() <= pd.Timedelta(minutes=30)
    span = web.groupby("true_session_id").event_time.agg(["min", "max", "size"])
    assert (span["min"] == ses.loc[span.index, "started_at"]).all()
    assert (span["max"] == ses.loc[span.index, "ended_at"]).all()
    s = ses.reset_index().sort_values(["anonymous_id", "started_at"])
    prev_end = s.groupby("anonymous_id").ended_at.shift()
    prev_camp = s.groupby("anonymous_id").utm_campaign.shift()
    gap = s.started_at - prev_end
    has_prev = prev_end.notna()
    assert (gap[has_prev] > pd.Timedelta(0)).all()
    close = has_prev & (gap < pd.Timedelta(minutes=31))
    assert close.any()  # re-entry sessions exist ...
    assert (s.utm_campaign[close].notna() & (s.utm_campaign[close] != prev_camp[close])).all()  # ... via a new campaign
    assert (s.started_at.dt.date != s.ended_at.dt.date).any()  # some cross midnight UTC
    assert (truth(gen, "identities").query("identifier_type == 'anonymous_id'")
            .groupby("identifier_value").person_id.nunique() > 1).any()  # shared devices


def test_roles_utms_and_identity(gen: Path) -> None:
    allowed = set(C.ROLES)
    su = read(gen, "signed_up")
    roles = su.roles.dropna().str.split(",").explode()
    assert set(roles) <= allowed and len(set(roles)) == len(allowed)
    idf = read(gen, "identifies")
    assert set(idf.role.dropna()) <= allowed
    leads = idf[idf.user_id.isna() & idf.email.notna() & idf.name.isna()]
    assert len(leads)  # lead-capture identifies: email only
    pages = read(gen, "pages")
    utm = pages[pages.url.str.contains("utm_campaign=", regex=False)]
    assert 0.2 < utm.context_campaign_name.isna().mean() < 0.4
    for p in ("gclid=", "fbclid=", "li_fat_id=", "%20", "+launch"):
        assert pages.url.str.contains(p, regex=False).any(), p
    server = read(gen, "workspace_created")
    assert (server.anonymous_id.isna() | server.anonymous_id.isin(D.PLACEHOLDERS)).all()  # placeholders: defects
    assert server.user_id.notna().mean() > 0.9
    tr = read(gen, "tracks")
    srv = tr[tr.event.isin(["workspace_created", "source_added", "ticket_created"])]
    assert set(srv.context_library_name) <= {"analytics-python", "analytics-node"}
    users = read(gen, "app_users")
    assert set(read(gen, "groups").user_id.dropna()) <= set(users.id) | set(D.PLACEHOLDERS)
    assert set(read(gen, "app_workspaces").id) >= set(read(gen, "groups").group_id)
    tickets = read(gen, "support_tickets")
    assert set(tickets.id.astype(str)) == set(read(gen, "ticket_created").ticket_id)
    camp = read(gen, "crm_campaigns")
    assert (camp.loc[camp.name == C.SALES_CONTACT_FORM, "entry_point_c"] == "Website Demo Request").all()
    g = read(gen, "ads_google_campaign_daily")
    assert set(g.campaign_name) <= set(pages.context_campaign_name.dropna()) | {"spring launch"}


def test_increment_split(gen: Path, tmp_path: Path) -> None:
    run_api(tmp_path, increment_fraction=0.2)
    m = json.loads((tmp_path / "truth" / "manifest.json").read_text())
    cutoff = pd.Timestamp(m["increment_cutoff_uuid_ts"]).tz_localize(None)
    for t in SEGMENT:
        main = read(tmp_path, t)
        inc = pq.read_table(tmp_path / "raw" / "increment" / f"{t}.parquet").to_pandas()
        assert (main.uuid_ts < cutoff).all() and (inc.uuid_ts >= cutoff).all(), t
        full = read(gen, t)
        assert len(main) + len(inc) == len(full), t
        assert set(main.id) | set(inc.id) == set(full.id)
    inc_tracks = set(pq.read_table(tmp_path / "raw" / "increment" / "tracks.parquet").column("id").to_pylist())
    inc_su = pq.read_table(tmp_path / "raw" / "increment" / "signed_up.parquet").column("id").to_pylist()
    assert set(inc_su) <= inc_tracks
    assert len(inc_tracks) > 0
    assert not (tmp_path / "raw" / "increment" / "crm_leads.parquet").exists()
    run_api(tmp_path)  # a later run without increment removes the stale increment files
    assert not list((tmp_path / "raw" / "increment").glob("*.parquet"))


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    r = run_cli("--events", "-5", "--seed", "1", "--out", str(tmp_path / "x"))
    assert r.returncode != 0 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_cli("--events", "1000", "--seed", "1", "--out", str(blocker / "raw"))
    assert r.returncode != 0 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("--events", "1000", "--seed", "1", "--out", str(tmp_path / "o"), "--truth", str(tmp_path / "o" / "t"))
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("--events", "1000", "--seed", "1", "--out", str(tmp_path / "o"), "--increment-fraction", "1.0")
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("--help")
    assert r.returncode == 0 and "--increment-fraction" in r.stdout and "--as-of" in r.stdout


def test_output_does_not_depend_on_workers(tmp_path: Path) -> None:
    """Chunks simulated in this process or by 2 worker processes give byte-identical raw and truth files."""
    ms = {}
    for w in (1, 2):
        cfg = GeneratorConfig(events=40_000, seed=11, out=tmp_path / str(w) / "raw", truth=tmp_path / str(w) / "truth",
                              as_of_us=parse_as_of(C.DEFAULT_AS_OF), bad_rate=BAD, increment_fraction=0.1, quiet=True,
                              chunk_people=1_000)  # small chunks: several chunks in flight at once
        ms[w] = generate(cfg, workers=w)
    assert ms[2]["workers"] == 2 and ms[2]["chunks"] >= 4
    one = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*.parquet"))
    two = sorted(p.relative_to(tmp_path / "2") for p in (tmp_path / "2").rglob("*.parquet"))
    assert one == two and len(one) > len(CONTRACT)
    for p in one:
        assert (tmp_path / "1" / p).read_bytes() == (tmp_path / "2" / p).read_bytes(), p


def test_workers_started_before_calibration_give_the_same_files(tmp_path: Path, monkeypatch) -> None:
    """A large run starts its worker pool before calibrating (run.EARLY_POOL_EVENTS; forced here on a small
    run): the files are byte-identical to a run in this process, and the manifest counts the workers used."""
    from gtm_warehouse.generator import run as generator_run

    monkeypatch.setattr(generator_run, "EARLY_POOL_EVENTS", 0)
    ms = {}
    for w in (1, 2):
        cfg = GeneratorConfig(events=20_000, seed=5, out=tmp_path / str(w) / "raw", truth=tmp_path / str(w) / "truth",
                              as_of_us=parse_as_of(C.DEFAULT_AS_OF), bad_rate=BAD, increment_fraction=0.1, quiet=True,
                              chunk_people=1_000)
        ms[w] = generate(cfg, workers=w)
    assert ms[2]["workers"] == 2 and ms[2]["chunks"] >= 2
    files = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*.parquet"))
    assert files == sorted(p.relative_to(tmp_path / "2") for p in (tmp_path / "2").rglob("*.parquet"))
    for p in files:
        assert (tmp_path / "1" / p).read_bytes() == (tmp_path / "2" / p).read_bytes(), p


def test_allocator_settings_are_defaults_the_user_can_override(monkeypatch) -> None:
    """alloc.tune() sets the allocator variables for the worker processes, never over a user's value."""
    from gtm_warehouse.generator import alloc

    for name in (*alloc.MIMALLOC_ENV, *alloc.GLIBC_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MIMALLOC_PURGE_DELAY", "10")
    alloc.tune()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "10"
    assert all(os.environ[name] == value for name, value in alloc.GLIBC_ENV.items())
