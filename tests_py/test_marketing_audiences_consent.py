"""Persona audiences (members and changes from the history at two dates), phones (E.164 against the generator's truth) and the
consent-gated ad conversions (hashes recomputed in Python, no plaintext identifiers)."""
from __future__ import annotations

import datetime
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


def _persona_audience_expected(database, as_of: datetime.date) -> tuple[set, set]:
    """Members at the end of `as_of` and changes since the end of the day before, recomputed in Python
    straight from the membership history (half-open periods [entered_at, exited_at))."""
    history = query(database, """
        select audience_key, person_id, entered_at, exited_at from marts.fct_persona_audience_memberships""")
    end_now = datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time())
    end_before = datetime.datetime.combine(as_of, datetime.time())

    def spell_at(instant):
        return {(a, p): (e, x) for a, p, e, x in history if e <= instant and (x is None or x > instant)}

    now, before = spell_at(end_now), spell_at(end_before)
    members = {(a, p, e) for (a, p), (e, _) in now.items()}
    changes = {(a, p, "entered", now[(a, p)][0]) for (a, p) in now.keys() - before.keys()}
    changes |= {(a, p, "exited", before[(a, p)][1]) for (a, p) in before.keys() - now.keys()}
    return members, changes


def _persona_audience_built(database) -> tuple[set, set]:
    members = set(query(database, "select audience_key, person_id, entered_at from marts.dim_persona_audience_members"))
    changes = set(query(database, """
        select audience_key, person_id, change_type, changed_at from marts.rpt_persona_audience_changes"""))
    return members, changes


def test_persona_audience_members_and_changes_are_the_history_at_two_dates(built_warehouse, tmp_path):
    """Current members and the changes since the previous daily build are the membership history read at
    the end of the as-of day and of the day before (no earlier build involved): on the built warehouse,
    and again as of the busiest day of the history (var gtm__sales_as_of_date), where entries and exits
    both happen."""
    database = built_warehouse["database"]
    as_of = query(database, "select as_of_date from intermediate.int_sales_dates_resolved")[0][0]
    members, changes = _persona_audience_built(database)
    assert len(members) > 50
    assert (members, changes) == _persona_audience_expected(database, as_of)

    busiest = query(database, """
        select cast(changed_at as date) as day from (
            select entered_at as changed_at from marts.fct_persona_audience_memberships
            union all
            select exited_at from marts.fct_persona_audience_memberships where exited_at is not null)
        group by 1 order by count(*) desc, 1 limit 1""")[0][0]
    copy = tmp_path / "gtm.duckdb"
    shutil.copy(database, copy)
    run_dbt(["run", "--select", "int_sales_dates_resolved", "dim_persona_audience_members",
             "rpt_persona_audience_changes", "--vars", f"{{gtm__sales_as_of_date: '{busiest}'}}"], copy, tmp_path)
    members, changes = _persona_audience_built(copy)
    assert len(changes) > 0
    assert (members, changes) == _persona_audience_expected(copy, busiest)
