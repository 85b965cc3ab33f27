"""Compare a built warehouse with the generator's ground truth.

Each check returns named figures (``name: value``); `scripts/truth_report.py` prints them and the
pytest suite asserts on them. The truth files are read here only, never by dbt models.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from gtm_warehouse.contract import load_contract


def connect(database: Path, truth: Path) -> duckdb.DuckDBPyConnection:
    """Read-only warehouse connection with the truth files as views `truth_<name>`."""
    con = duckdb.connect(str(database), read_only=True)
    for name in ("events", "identities", "people", "accounts", "sessions"):
        path = truth / f"{name}.parquet"
        if path.exists():
            con.execute(f"create temp view truth_{name} as select * from read_parquet('{path}')")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchall()[0]


def staging_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """How exactly staging reproduces the truth: kept rows, quarantine reasons, dedup and event times."""
    segment_tables = [t.name for t in load_contract().values() if t.source == "segment"]
    staged_union = "\nunion all\n".join(
        f"select '{t}' as table_name, message_id, event_at, duplicates_removed from staging.stg_segment__{t}"
        for t in segment_tables
    )
    con.execute(f"create or replace temp view staged_events as {staged_union}")
    staged_truth, staged_found, staged_extra = _one(con, """
        with truth as (
            select table_name, message_id from truth_events where expected_quarantine_reason is null
        )
        select
            (select count(*) from truth),
            (select count(*) from truth join staged_events using (table_name, message_id)),
            (select count(*) from staged_events anti join truth using (table_name, message_id))
    """)
    quarantine_truth, quarantine_found, quarantine_extra = _one(con, """
        with truth as (
            select table_name, message_id, expected_quarantine_reason as reason
            from truth_events where expected_quarantine_reason is not null
        ),
        found as (
            select distinct source_table as table_name, record_key as message_id, quarantine_reason as reason
            from staging.stg_quarantine__rows where source_name = 'segment'
        )
        select
            (select count(*) from truth),
            (select count(*) from truth join found using (table_name, message_id, reason)),
            (select count(*) from found anti join truth using (table_name, message_id, reason))
    """)
    dup_truth, dup_found = _one(con, """
        select
            (select coalesce(sum(n_copies - 1), 0) from truth_events where expected_quarantine_reason is null),
            (select coalesce(sum(duplicates_removed), 0) from staged_events)
    """)
    time_rows, time_exact, derived_rows, derived_exact = _one(con, """
        select
            count(*),
            count(*) filter (where abs(epoch_ms(s.event_at) - epoch_ms(t.event_time)) <= 1),
            count(*) filter (where t.defect in ('null_timestamp', 'clock_skew')),
            count(*) filter (where t.defect in ('null_timestamp', 'clock_skew')
                             and abs(epoch_ms(s.event_at) - epoch_ms(t.event_time)) <= 1)
        from staged_events as s
        join truth_events as t using (table_name, message_id)
    """)
    return {
        "staging_rows_expected": staged_truth,
        "staging_recall": staged_found / staged_truth if staged_truth else 1.0,
        "staging_unexpected_rows": staged_extra,
        "quarantine_rows_expected": quarantine_truth,
        "quarantine_recall": quarantine_found / quarantine_truth if quarantine_truth else 1.0,
        "quarantine_unexpected_rows": quarantine_extra,
        "duplicates_expected": dup_truth,
        "duplicates_removed": dup_found,
        "event_at_exact_share": time_exact / time_rows if time_rows else 1.0,
        "event_at_exact_share_skewed_or_derived": derived_exact / derived_rows if derived_rows else 1.0,
    }


def _pairwise(con: duckdb.DuckDBPyConnection, assignments_sql: str) -> tuple[float, float, int]:
    """Pairwise precision and recall of a clustering: `assignments_sql` yields (item, predicted, actual)."""
    true_positive, predicted_pairs, actual_pairs, items = _one(con, f"""
        with assignments as ({assignments_sql}),
        cells as (select predicted, actual, count(*) as n from assignments group by all),
        predicted as (select predicted, count(*) as n from assignments group by all),
        actual as (select actual, count(*) as n from assignments group by all)
        select
            (select coalesce(sum(n * (n - 1) / 2), 0) from cells),
            (select coalesce(sum(n * (n - 1) / 2), 0) from predicted),
            (select coalesce(sum(n * (n - 1) / 2), 0) from actual),
            (select count(*) from assignments)
    """)
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / actual_pairs if actual_pairs else 1.0
    return precision, recall, items


def identity_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Stitching quality: pairwise precision/recall over the identifiers the data links to anything.

    An identifier that the data never links to another one (a device on which the person never logged
    in or filled a form) cannot be stitched by any method: it is counted in
    `identity_unlinked_identifier_share`, not in the pairwise figures. Identifiers that truly belong to
    several people (shared devices) have no single right answer and are left out too;
    `identity_shared_identifiers_cut_share` says how many of them merge protection cut out of the graph.
    """
    truth_single = """
        select identifier_type, identifier_value, min(person_id) as actual
        from truth_identities
        group by all
        having count(distinct person_id) = 1
    """
    precision, recall, items = _pairwise(con, f"""
        select s.identifier_type || ':' || s.identifier_value as item, s.person_id as predicted, t.actual
        from intermediate.int_identities_stitched as s
        join ({truth_single}) as t using (identifier_type, identifier_value)
    """)
    seen_anonymous, unlinked = _one(con, """
        with seen as (
            select distinct anonymous_id from staging.stg_segment__pages where anonymous_id is not null
            union
            select distinct anonymous_id from staging.stg_segment__tracks where anonymous_id is not null
        )
        select
            count(*),
            count(*) filter (where anonymous_id not in (
                select identifier_value from intermediate.int_identities_stitched
                where identifier_type = 'anonymous_id'
            ))
        from seen
    """)
    shared, cut = _one(con, """
        with shared as (
            select identifier_type, identifier_value from truth_identities
            group by all having count(distinct person_id) > 1
        ),
        cut as (
            select left_type as identifier_type, left_value as identifier_value
            from intermediate.int_identity_edges_filtered where drop_reason like 'shared%'
            union
            select right_type, right_value
            from intermediate.int_identity_edges_filtered where drop_reason like 'shared%'
        )
        select count(*), count(cut.identifier_value)
        from shared left join cut using (identifier_type, identifier_value)
    """)
    return {
        "identity_identifiers_compared": items,
        "identity_pairwise_precision": precision,
        "identity_pairwise_recall": recall,
        "identity_unlinked_anonymous_id_share": unlinked / seen_anonymous if seen_anonymous else 0.0,
        "identity_shared_identifiers": shared,
        "identity_shared_identifiers_cut_share": cut / shared if shared else 1.0,
    }


def account_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Person → account resolution: pairwise precision/recall over stitched people that the truth places
    in an account, plus the share of them that got an account at all."""
    base = """
        with person_truth as (
            select s.person_id, mode(t.person_id) as true_person
            from intermediate.int_identities_stitched as s
            join truth_identities as t using (identifier_type, identifier_value)
            group by s.person_id
        )
        select
            person_truth.person_id,
            resolved.account_id as predicted_account,
            people.account_id as true_account
        from person_truth
        join truth_people as people on person_truth.true_person = people.person_id
        left join intermediate.int_people_accounts_resolved as resolved
            on person_truth.person_id = resolved.person_id
        where people.account_id is not null
    """
    precision, recall, items = _pairwise(con, f"""
        select person_id as item, coalesce(predicted_account, 'none:' || person_id) as predicted, true_account as actual
        from ({base})
    """)
    covered = _one(con, f"select avg(case when predicted_account is not null then 1.0 else 0.0 end) from ({base})")[0]
    return {
        "account_people_compared": items,
        "account_pairwise_precision": precision,
        "account_pairwise_recall": recall,
        "account_coverage": covered or 0.0,
    }


def event_identity_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Stitching seen from the events (marts.fct_events): pairwise precision over event pairs, and recall,
    which is bounded by devices that the data never links to their person."""
    precision, recall, items = _pairwise(con, """
        select f.message_id as item, f.person_id as predicted, t.person_id as actual
        from marts.fct_events as f
        join truth_events as t on t.message_id = f.message_id and t.table_name in ('pages', 'tracks')
    """)
    return {
        "identity_events_compared": items,
        "identity_event_pairwise_precision": precision,
        "identity_event_pairwise_recall": recall,
    }


# Generator channel codes (truth_sessions.channel) -> the channel names of seed channel_rules.
_TRUE_CHANNELS = {
    "paid_search": "Paid Search", "paid_social": "Paid Social", "organic_search": "Organic Search",
    "email": "Email", "referral": "Referral", "direct": "Direct", "event": "Events/Webinar", "partner": "Partner",
}


def session_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Sessionization: the share of true sessions whose exact event set (message ids of their usable page
    and track rows) is one built session's event set, and how often such a session's channel is right."""
    channel_map = " ".join(f"when '{code}' then '{name}'" for code, name in _TRUE_CHANNELS.items())
    con.execute("""
        create or replace temp view session_event_sets as
        with true_sets as (
            select true_session_id, list(message_id order by message_id) as message_ids
            from truth_events
            where table_name in ('pages', 'tracks')
                and expected_quarantine_reason is null
                and true_session_id is not null
            group by true_session_id
        ),
        built_sets as (
            select session_id, list(message_id order by message_id) as message_ids
            from intermediate.int_web_events_sessionized
            group by session_id
        )
        select true_sets.true_session_id, built_sets.session_id
        from true_sets
        left join built_sets using (message_ids)
    """)
    expected, matched, built = _one(con, """
        select
            count(*),
            count(session_id),
            (select count(*) from intermediate.int_sessions_aggregated)
        from session_event_sets
    """)
    channel_rows, channel_right = _one(con, f"""
        select
            count(*),
            count(*) filter (where s.channel = case t.channel {channel_map} end)
        from session_event_sets as m
        join truth_sessions as t using (true_session_id)
        join intermediate.int_sessions_aggregated as s using (session_id)
    """)
    return {
        "sessions_expected": expected,
        "sessions_built": built,
        "session_exact_match_share": matched / expected if expected else 1.0,
        "session_channel_match_share": channel_right / channel_rows if channel_rows else 1.0,
    }


# --- Marketing: lead grade (issue 10, part 6) ------------------------------------------------------------

def _relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchall()[0][0])


def lead_grade_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """AUC of the lead grade and of the behaviour-count baseline on this warehouse's leads with a known
    label (data the stored model never saw), plus the holdout AUCs stored at training time."""
    if not _relation_exists(con, "marts", "fct_lead_grades"):
        return {}
    from sklearn.metrics import roc_auc_score

    rows = con.execute("""
        select is_qualified_in_window, probability, behaviour_event_count
        from marts.fct_lead_grades where is_label_observed order by lead_id
    """).fetchall()
    figures: dict[str, float] = {"lead_grade_labelled_leads": len(rows)}
    labels = [r[0] for r in rows]
    if len(set(labels)) == 2:
        figures["lead_grade_auc"] = float(roc_auc_score(labels, [r[1] for r in rows]))
        figures["lead_grade_baseline_auc"] = float(roc_auc_score(labels, [r[2] for r in rows]))
    if _relation_exists(con, "marts", "rpt_lead_grade_model_metrics"):
        for name, value in con.execute("""
            select metric_name, metric_value from marts.rpt_lead_grade_model_metrics
            where metric_group = 'holdout' and metric_name in ('holdout_auc', 'baseline_auc') order by metric_name
        """).fetchall():
            figures[f"lead_grade_training_{name}"] = float(value)
    return figures


def all_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Every comparison with the ground truth, in one dict (what `make truth` prints)."""
    figures: dict[str, float] = {}
    for check in (staging_figures, identity_figures, event_identity_figures, account_figures, session_figures,
                  lead_grade_figures):
        figures.update(check(con))
    return figures
