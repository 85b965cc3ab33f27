"""Persona audiences (changes between builds), phones (E.164 against the generator's truth) and the
consent-gated ad conversions (hashes recomputed in Python, no plaintext identifiers)."""
from __future__ import annotations

import hashlib
import re
import shutil

import duckdb
import pytest

from conftest import query, run_dbt


def test_staged_phones_match_the_true_e164(built_warehouse):
    truth = built_warehouse["truth"]
    rows = query(built_warehouse["database"], f"""
        with truth as (
            select i.identifier_type, i.identifier_value, p.phone_raw, p.phone_e164
            from read_parquet('{truth}/identities.parquet') as i
            join read_parquet('{truth}/phones.parquet') as p using (person_id)
            where i.identifier_type in ('crm_lead_id', 'crm_contact_id')
        ),
        staged as (
            select 'crm_lead_id' as identifier_type, lead_id as identifier_value, phone, is_phone_invalid
            from staging.stg_crm__leads
            union all
            select 'crm_contact_id', contact_id, phone, is_phone_invalid from staging.stg_crm__contacts
        )
        select
            count(*),
            count(*) filter (where staged.phone is not distinct from truth.phone_e164),
            count(*) filter (where truth.phone_raw is not null and truth.phone_e164 is null),
            count(*) filter (where staged.is_phone_invalid),
            count(staged.phone)
        from staged join truth using (identifier_type, identifier_value)
    """)
    total, exact, junk_truth, invalid, with_phone = rows[0]
    assert total > 300 and with_phone > 100
    assert exact == total
    assert invalid == junk_truth and junk_truth > 0


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_ad_conversion_hashes_follow_the_platform_rules(built_warehouse):
    rows = query(built_warehouse["database"], """
        select a.platform, a.hashed_email, a.hashed_phone, p.primary_email
        from marts.fct_ad_conversions as a
        join marts.dim_people as p using (person_id)
        where a.hashed_email is not null
        order by a.ad_conversion_key
    """)
    assert len(rows) > 100
    for platform, hashed_email, _, email in rows:
        normalised = email.strip().lower()
        local, domain = normalised.split("@", 1)
        if platform == "google_ads" and domain in ("gmail.com", "googlemail.com"):
            normalised = local.replace(".", "") + "@" + domain
        assert hashed_email == _sha(normalised)
    phones = query(built_warehouse["database"], """
        select a.platform, a.hashed_phone, c.phone
        from marts.fct_ad_conversions as a
        join intermediate.int_identities_stitched as i
            on i.person_id = a.person_id and i.identifier_type = 'crm_lead_id'
        join staging.stg_crm__leads as c on c.lead_id = i.identifier_value
        where a.hashed_phone is not null and c.phone is not null
          and not exists (select 1 from intermediate.int_identities_stitched as ic
                          where ic.person_id = a.person_id and ic.identifier_type = 'crm_contact_id')
        order by a.ad_conversion_key
    """)
    assert phones
    for platform, hashed_phone, phone in phones:
        assert hashed_phone in {_sha(phone if platform == "google_ads" else phone[1:])}


def test_ad_conversions_hold_no_plaintext_email_or_phone(built_warehouse):
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    try:
        columns = [r[0] for r in con.execute("""
            select column_name from information_schema.columns
            where table_schema = 'marts' and table_name = 'fct_ad_conversions' and data_type = 'VARCHAR'
        """).fetchall()]
        values = con.execute(
            "select " + ", ".join(f'"{c}"' for c in columns) + " from marts.fct_ad_conversions"
        ).fetchall()
        statuses = dict(con.execute(
            "select export_status, count(*) from marts.fct_ad_conversions group by all").fetchall())
    finally:
        con.close()
    assert not any("email" == c or "phone" == c for c in columns)
    phone_like = re.compile(r"^\+?[0-9 ().-]{8,}$")
    for row in values:
        for value in row:
            assert value is None or ("@" not in value and not phone_like.match(value))
    assert statuses.get("exportable", 0) > 0 and statuses.get("no_consent", 0) > 0


def test_audience_changes_compare_with_the_previous_build(built_warehouse, tmp_path):
    database = tmp_path / "gtm.duckdb"
    shutil.copy(built_warehouse["database"], database)
    members = query(database, "select count(*) from marts.dim_persona_audience_members")[0][0]
    first = query(database, "select change_type, count(*) from marts.rpt_persona_audience_changes group by all")
    assert members > 50 and first == [("entered", members)]
    # the same data built again: nothing changed
    select = ["--select", "rpt_persona_audience_changes", "fct_persona_audience_snapshots"]
    run_dbt(["run", *select], database, tmp_path)
    assert query(database, "select count(*) from marts.rpt_persona_audience_changes") == [(0,)]
    assert query(database, """
        select build_number, count(*) from marts.fct_persona_audience_snapshots
        where not is_build_marker group by all order by 1""") == [(1, members), (2, members)]
    # three members leave (their rows disappear from the current audience): they exit, nobody enters
    con = duckdb.connect(str(database))
    try:
        con.execute("""delete from marts.dim_persona_audience_members where audience_member_key in (
            select audience_member_key from marts.dim_persona_audience_members order by 1 limit 3)""")
    finally:
        con.close()
    run_dbt(["run", "--select", "rpt_persona_audience_changes"], database, tmp_path)
    assert query(database, "select change_type, count(*) from marts.rpt_persona_audience_changes group by all") \
        == [("exited", 3)]
