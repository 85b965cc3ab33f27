"""Customer success marts (issue 12 parts 1, 3, 6) recomputed independently, in Python, from the raw files
of the generated data set, on the session warehouse (`built_warehouse`)."""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import duckdb
import pytest

from conftest import query
from gtm_warehouse import truth
from gtm_warehouse.generator import config as C

pytestmark = pytest.mark.slow


def raw(dataset, table: str) -> duckdb.DuckDBPyRelation:
    return duckdb.sql(f"select * from read_parquet('{dataset / 'raw' / table}*.parquet')")


def erased_response(database, response: dict) -> bool:
    """The response's respondent was erased by a deletion request (int_erased_identifiers: md5 of the
    identifier as staging normalises it), so the warehouse leaves it out on purpose."""
    erased = getattr(erased_response, "cache", {}).get(str(database))
    if erased is None:
        erased = set(query(database, "select identifier_type, identifier_hash from intermediate.int_erased_identifiers"))
        erased_response.cache = {**getattr(erased_response, "cache", {}), str(database): erased}
    user_id = (response["user_id"] or "").strip()
    email = (response["respondent_email"] or "").strip().lower().replace("mailto:", "").strip()
    return any((kind, hashlib.md5(value.encode()).hexdigest()) in erased
               for kind, value in (("user_id", user_id), ("email", email)) if value)


def test_build_passed(built_warehouse):
    assert built_warehouse["build"].returncode == 0, built_warehouse["build"].stdout[-3000:]


def test_source_activity_recomputed_from_raw(built_warehouse, generated_dataset):
    db = built_warehouse["database"]
    as_of = query(db, "select max(as_of_at) from marts.rpt_workspace_onboarding")[0][0]
    built = dict(query(db, "select source_id, activity_status from marts.fct_onboarding_sources"))
    rows = raw(generated_dataset, "app_sources").fetchall()
    cols = [d[0] for d in raw(generated_dataset, "app_sources").description]
    newest: dict[str, dict] = {}
    for r in map(lambda v: dict(zip(cols, v)), rows):
        sid = (r["id"] or "").strip()
        if not sid or not (r["workspace_id"] or "").strip() or r["deleted_at"] is not None:
            continue
        key = (r["updated_at"] or datetime.min, r["_loaded_at"] or datetime.min)
        if sid not in newest or key > newest[sid][0]:
            newest[sid] = (key, r)
    expected = {}
    for sid, (_, r) in newest.items():
        last = r["last_event_at"]
        if last is None:
            expected[sid] = "never_active"
        elif last >= as_of - timedelta(hours=24):
            expected[sid] = "active_24h"
        elif last >= as_of - timedelta(days=7):
            expected[sid] = "active_7d"
        else:
            expected[sid] = "inactive"
    assert built == expected
    assert {"active_24h", "inactive", "never_active"} <= set(built.values())


def test_nps_by_month_recomputed_from_raw(built_warehouse, generated_dataset):
    rel = raw(generated_dataset, "survey_responses")
    cols = [d[0] for d in rel.description]
    seen: dict[str, dict] = {}
    for r in map(lambda v: dict(zip(cols, v)), rel.fetchall()):
        rid = (r["id"] or "").strip()
        if rid and (r["survey_id"] or "").strip() and (r["survey_type"] or "").lower() == "nps" \
                and r["score"] is not None and 0 <= r["score"] <= 10 and r["submitted_at"] is not None \
                and not erased_response(built_warehouse["database"], r):
            seen[rid] = r
    by_month: dict[datetime, Counter] = defaultdict(Counter)
    for r in seen.values():
        m = r["submitted_at"].replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        by_month[m]["promoter" if r["score"] >= 9 else "detractor" if r["score"] <= 6 else "passive"] += 1
    built = {m: (n, nps) for m, n, nps in query(built_warehouse["database"], """
        select response_month, responses, nps from marts.rpt_nps where dimension = 'overall'""")}
    assert set(built) == set(by_month)
    for m, c in by_month.items():
        n = sum(c.values())
        assert built[m][0] == n
        assert math.isclose(built[m][1], round(100.0 * (c["promoter"] - c["detractor"]) / n, 1), abs_tol=0.051)


def test_every_nps_response_is_kept(built_warehouse):
    """Every staged NPS response is in the marts, except those of erased respondents, which are in none."""
    db = built_warehouse["database"]
    erased_ids = """
        select r.response_id from staging.stg_surveys__responses as r
        where r.survey_type = 'nps' and (
            coalesce(md5(r.user_id), '') in (select identifier_hash from intermediate.int_erased_identifiers
                                             where identifier_type = 'user_id')
            or coalesce(md5(r.email), '') in (select identifier_hash from intermediate.int_erased_identifiers
                                              where identifier_type = 'email'))"""
    staged = query(db, f"""select count(*) from staging.stg_surveys__responses
                           where survey_type = 'nps' and response_id not in ({erased_ids})""")[0][0]
    fct = query(db, "select count(*) from marts.fct_nps_responses")[0][0]
    erased_in_fct = query(db, f"select count(*) from marts.fct_nps_responses where response_id in ({erased_ids})")[0][0]
    per_dimension = query(db, """select dimension, sum(responses + out_of_range_responses)
                                 from marts.rpt_nps group by dimension""")
    assert fct == staged > 0
    assert erased_in_fct == 0
    assert all(n == fct for _, n in per_dimension)


def test_selected_nps_people_pass_every_rule(built_warehouse, generated_dataset):
    db = built_warehouse["database"]
    selected = query(db, """select wave_id, wave_start, person_id, account_id, email
                            from marts.fct_nps_wave_eligibility where is_selected""")
    assert selected, "no one selected in any wave"
    per_account = Counter((w, a) for w, _, _, a, _ in selected)
    assert max(per_account.values()) <= 3
    user_of = dict(query(db, "select person_id, user_id from marts.dim_people where user_id is not null"))
    staged = {r[0] for r in query(db, "select message_id from staging.stg_segment__email_bounced")}
    bounced_users: dict[str, datetime] = {}
    for message_id, user_id, t, bounce_type in duckdb.sql(f"""select id, user_id, received_at, bounce_type from
            read_parquet('{generated_dataset / 'raw' / 'email_bounced'}*.parquet')""").fetchall():
        # rows staging quarantined (missing identity, broken clock...) cannot be known to the warehouse
        if bounce_type == "hard" and user_id and message_id in staged:
            bounced_users[user_id] = min(t, bounced_users.get(user_id, t))
    paid = query(db, "select account_id, valid_from, valid_to from marts.dim_account_plan_periods where is_paid")
    for wave, start, person, account, email in selected:
        assert email
        u = user_of.get(person)
        # received_at is after the event; a bounce received before the wave certainly happened before it
        assert not (u in bounced_users and bounced_users[u] < start - timedelta(days=1)), (wave, person)
        assert any(a == account and f <= start and (t is None or start < t) for a, f, t in paid), (wave, person)


def test_feature_launches_match_the_generator(built_warehouse, generated_dataset):
    manifest = json.loads((generated_dataset / "truth" / "manifest.json").read_text())
    as_of = datetime.fromisoformat(manifest["as_of"].replace("Z", "+00:00")).replace(tzinfo=None)
    start = as_of - timedelta(days=manifest["period_days"])
    expected = {name: start + timedelta(days=d) for name, d in C.FEATURES}
    built = dict(query(built_warehouse["database"],
                       "select feature_name, launched_at from staging.stg_product__feature_launches"))
    assert built == expected


def test_marts_reflect_intent(built_warehouse):
    con = truth.connect(built_warehouse["database"], built_warehouse["truth"])
    try:
        f = truth.customer_success_onboarding_figures(con)
    finally:
        con.close()
    assert f["cs_onboarding_activated_share_high_intent"] > f["cs_onboarding_activated_share_low_intent"]
    assert f["cs_nps_score_intent_correlation"] > 0.3
