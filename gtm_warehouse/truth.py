"""Compare a built warehouse with the generator's ground truth.

Each check returns named figures (``name: value``); `scripts/truth_report.py` prints them and the
pytest suite asserts on them. The truth files are read here only, never by dbt models.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from gtm_warehouse import health_weights
from gtm_warehouse.contract import load_contract


def connect(database: Path, truth: Path) -> duckdb.DuckDBPyConnection:
    """Read-only warehouse connection with the truth files as views `truth_<name>`."""
    con = duckdb.connect(str(database), read_only=True)
    for name in ("events", "identities", "people", "accounts", "sessions", "channel_lift"):
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


def _erased_truth_people(con: duckdb.DuckDBPyConnection) -> str:
    """Temp view `erased_truth_people`: the true person of every deletion request that the warehouse applies
    (their rows must be absent, so the truth figures leave them out of what is expected); returns its name."""
    has_requests = _one(con, """select count(*) from information_schema.tables
        where table_schema = 'staging' and table_name = 'stg_privacy__deletion_requests'""")[0]
    if not has_requests:
        con.execute("create or replace temp view erased_truth_people as select null::varchar as person_id where false")
        return "erased_truth_people"
    con.execute("""
        create or replace temp view erased_truth_people as
        select distinct t.person_id
        from staging.stg_privacy__deletion_requests as r
        join truth_identities as t
            on (t.identifier_type = 'email' and t.identifier_value = r.email)
            or (t.identifier_type = 'user_id' and t.identifier_value = r.user_id)
            or (t.identifier_type = 'anonymous_id' and t.identifier_value = r.anonymous_id)
        where r.request_status in ('pending', 'completed')
    """)
    return "erased_truth_people"


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
    erased = _erased_truth_people(con)
    truth_single = f"""
        select identifier_type, identifier_value, min(person_id) as actual
        from truth_identities
        group by all
        having count(distinct person_id) = 1 and min(person_id) not in (select person_id from {erased})
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
    erased = _erased_truth_people(con)
    con.execute(f"""
        create or replace temp view session_event_sets as
        with true_sets as (
            select true_session_id, list(message_id order by message_id) as message_ids
            from truth_events
            where table_name in ('pages', 'tracks')
                and expected_quarantine_reason is null
                and true_session_id is not null
                and person_id not in (select person_id from {erased})
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


# --- Customer health vs churn (issue 12, part 7) -------------------------------------------------------
# The observations (gtm_warehouse/health_weights.py): the score read on snapshot days (every
# HEALTH_SNAPSHOT_EVERY_DAYS days); an account paying on that day is a positive when the truth has it churn
# between HEALTH_LEAD_DAYS and HEALTH_HORIZON_DAYS days later (the score is taken at least 30 days before the
# churn), a negative when it stays through that window. Accounts that churn within the lead are left out. Only
# snapshots whose whole window lies before the end of the data count. An AUC at or below HEALTH_PREDICTIVE_AUC
# is reported as "does not predict churn".
HEALTH_COMPONENTS = health_weights.COMPONENTS
HEALTH_LEAD_DAYS = health_weights.LEAD_DAYS
HEALTH_HORIZON_DAYS = health_weights.HORIZON_DAYS
HEALTH_SNAPSHOT_EVERY_DAYS = health_weights.SNAPSHOT_EVERY_DAYS
HEALTH_PREDICTIVE_AUC = 0.6


def auc(scores: list[float], churned: list[bool]) -> float:
    """Probability that a random churner scores LOWER than a random account that stays (ties count half):
    0.5 = no signal, 1.0 = the score ranks every churner below every stayer. NaN without both classes.
    The sales AUC (`_auc`) on negated scores."""
    value = _auc([(-score, is_churned) for score, is_churned in zip(scores, churned)])
    return float("nan") if value is None else value


def health_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """AUC of the health score (and of each component's score) at predicting churn, against the truth."""
    if not _has_health_and_truth(con):
        return {}  # built without the product database, or no truth files
    observed = health_weights.observations(con, "truth_accounts")
    rows = [row[2:] for row in observed]
    churned = [bool(r[0]) for r in rows]
    # the observations are weekly snapshots of few accounts: the account counts and an interval from
    # resampling accounts say how far the AUC can move by chance alone
    low, high = health_weights.account_bootstrap_interval(observed)
    figures: dict[str, float] = {
        "health_auc_observations": len(rows),
        "health_auc_churn_observations": sum(churned),
        "health_auc_accounts": len({row[1] for row in observed}),
        "health_auc_churned_accounts": len({row[1] for row in observed if row[2]}),
        "health_score_auc": auc([r[1] for r in rows], churned),
        "health_score_auc_p05": low,
        "health_score_auc_p95": high,
    }
    for i, component in enumerate(HEALTH_COMPONENTS):
        figures[f"health_{component}_auc"] = auc([r[2 + i] for r in rows], churned)
    score_auc = figures["health_score_auc"]
    figures["health_score_predicts_churn"] = 1.0 if score_auc == score_auc and score_auc > HEALTH_PREDICTIVE_AUC else 0.0
    return figures


def _has_health_and_truth(con: duckdb.DuckDBPyConnection) -> bool:
    if not _relation_exists(con, "intermediate", "int_account_health_days_scored"):
        return False
    try:
        con.execute("select 1 from truth_accounts limit 1").fetchall()
    except duckdb.Error:
        return False
    return True


# --- Customer success: onboarding and NPS (issue 12 parts 1 and 6) ---------------------------------------
def _has_relations(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    return set(names) <= _relations(con)


def customer_success_onboarding_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Do the onboarding and NPS marts reflect the hidden intent that drives the generator's accounts?

    Higher-intent workspaces add more sources and destinations (so they should activate more often) and
    give higher NPS scores. Figures are reported whatever they are; empty when the marts are absent.
    """
    if not _has_relations(con, "marts.rpt_workspace_onboarding", "marts.fct_nps_responses", "marts.dim_accounts"):
        return {}
    if "truth_accounts" not in {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_type = 'VIEW'").fetchall()}:
        return {}
    high, low, workspaces = _one(con, """
        select
            avg(case when t.intent >= 0.5 then o.is_activated::int end),
            avg(case when t.intent < 0.5 then o.is_activated::int end),
            count(*)
        from marts.rpt_workspace_onboarding as o
        inner join truth_accounts as t on o.workspace_id = t.workspace_id""")
    corr, responses = _one(con, """
        select corr(r.score, t.intent), count(*)
        from marts.fct_nps_responses as r
        inner join marts.dim_accounts as a on r.account_id = a.account_id
        inner join truth_accounts as t on a.workspace_id = t.workspace_id
        where r.nps_category != 'out_of_range'""")
    return {
        "cs_onboarding_workspaces_with_truth": workspaces,
        "cs_onboarding_activated_share_high_intent": high if high is not None else float("nan"),
        "cs_onboarding_activated_share_low_intent": low if low is not None else float("nan"),
        "cs_nps_responses_with_truth": responses,
        "cs_nps_score_intent_correlation": corr if corr is not None else float("nan"),
    }


# --- Sales (models/marts/sales): does the signal threshold score find the leads that matter? ---------------
SALES_HIGH_INTENT = 0.5  # a person whose hidden intent is at least this is a "true high-intent" person


def _auc(pairs: list[tuple[float, bool]]) -> float | None:
    """Area under the ROC curve of `score` for `label` (Mann-Whitney, ties count half); None without both
    classes. 0.5 is a random order."""
    positives = sum(1 for _, label in pairs if label)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    ordered = sorted(pairs, key=lambda pair: pair[0])
    rank_sum, i = 0.0, 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1..j share their mean
        rank_sum += average_rank * sum(1 for _, label in ordered[i:j] if label)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def sales_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The signal threshold score against outcomes and the hidden intent. A lead "reaches an opportunity"
    when it was converted with one or its account got an opportunity after the lead was created. The
    score is taken on the day the lead was created (what a router would have seen, no later behaviour)
    and today (descriptive: it also sees behaviour after the opportunity). A true high-intent person has
    hidden intent >= SALES_HIGH_INTENT. Absent sales marts or truth: no figures."""
    present = _one(con, """
        select count(*) from information_schema.tables
        where table_schema = 'marts' and table_name in ('dim_lead_signal_scores', 'fct_mql_episodes')
    """)[0]
    truth_present = _one(con, """
        select count(*) from duckdb_views() where view_name in ('truth_people', 'truth_identities')
    """)[0]
    if present < 2 or truth_present < 2:
        return {}
    con.execute("""
        create or replace temp view sales_lead_outcomes as
        with opportunities as (
            select accounts.account_id, min(opportunities.created_at) as first_opportunity_at,
                max(opportunities.created_at) as last_opportunity_at
            from staging.stg_crm__opportunities as opportunities
            join marts.dim_accounts as accounts on opportunities.account_id = accounts.crm_account_id
            where not opportunities.is_deleted
            group by accounts.account_id
        ),
        truth_leads as (
            select identities.identifier_value as lead_id, people.intent
            from truth_identities as identities
            join truth_people as people on identities.person_id = people.person_id
            where identities.identifier_type = 'crm_lead_id'
        ),
        score_at_creation as (
            select leads.lead_id, arg_max(history.score, history.score_date) as score
            from marts.dim_lead_signal_scores as leads
            join marts.fct_person_score_history as history
                on leads.person_id = history.person_id and history.score_date <= cast(leads.created_at as date)
            group by leads.lead_id
        )
        select
            leads.lead_id,
            leads.is_primary_lead,
            leads.score as current_score,
            coalesce(score_at_creation.score, 0) as score_at_creation,
            leads.converted_opportunity_id is not null
                or coalesce(opportunities.last_opportunity_at >= leads.created_at, false) as reached_opportunity,
            truth_leads.intent,
            truth_leads.intent >= %(high)s as is_true_high_intent
        from marts.dim_lead_signal_scores as leads
        left join opportunities on leads.account_id = opportunities.account_id
        left join truth_leads on leads.lead_id = truth_leads.lead_id
        left join score_at_creation on leads.lead_id = score_at_creation.lead_id
    """ % {"high": SALES_HIGH_INTENT})
    rows = con.execute("""
        select score_at_creation, current_score, reached_opportunity, coalesce(is_true_high_intent, false)
        from sales_lead_outcomes
    """).fetchall()
    mql_rows, mql_high, first_mql_rows, first_mql_high = _one(con, """
        select
            count(*),
            count(*) filter (where outcomes.is_true_high_intent),
            count(*) filter (where episodes.episode_number = 1),
            count(*) filter (where episodes.episode_number = 1 and outcomes.is_true_high_intent)
        from marts.fct_mql_episodes as episodes
        join sales_lead_outcomes as outcomes using (lead_id)
    """)
    leads_total = len(rows)
    leads_high = sum(1 for row in rows if row[3])
    figures: dict[str, float] = {
        "sales_leads_scored": leads_total,
        "sales_leads_reaching_opportunity": sum(1 for row in rows if row[2]),
        "sales_score_opportunity_auc_at_lead_created": _auc([(row[0], row[2]) for row in rows]),
        "sales_score_opportunity_auc_current": _auc([(row[1], row[2]) for row in rows]),
        "sales_score_high_intent_auc_current": _auc([(row[1], row[3]) for row in rows]),
        "sales_mql_episodes": mql_rows,
        "sales_mql_true_high_intent_share": mql_high / mql_rows if mql_rows else 0.0,
        "sales_first_mql_true_high_intent_share": first_mql_high / first_mql_rows if first_mql_rows else 0.0,
        "sales_lead_true_high_intent_share": leads_high / leads_total if leads_total else 0.0,
    }
    return {name: value for name, value in figures.items() if value is not None}


# --- Foundation IV: one account per company, staff out, soft deletes out, erasure ----------------------
# The company's own email domain and the staff roles the generator plants (gtm_warehouse/generator/tables.py).
_INTERNAL_DOMAIN = "gtmcloud.io"
_STAFF_SUPPORT_ROLES = ("agent", "admin")
_ERASING_STATUSES = ("pending", "completed")


def _relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}


def _erased_truth_view(con: duckdb.DuckDBPyConnection, have: set[str]) -> bool:
    """Temp view erased_truth_identifiers: what the usable deletion requests must erase (see
    foundation_figures). False when the privacy source is off."""
    if "staging.stg_privacy__deletion_requests" not in have:
        return False
    statuses = ", ".join(f"'{s}'" for s in _ERASING_STATUSES)
    con.execute(f"""
        create or replace temp view erased_truth_identifiers as
        with requests as (
            select 'email' as identifier_type, email as identifier_value
            from staging.stg_privacy__deletion_requests where email is not null and request_status in ({statuses})
            union all
            select 'user_id', user_id
            from staging.stg_privacy__deletion_requests where user_id is not null and request_status in ({statuses})
            union all
            select 'anonymous_id', anonymous_id
            from staging.stg_privacy__deletion_requests
            where anonymous_id is not null and request_status in ({statuses})
        ),
        single as (
            select identifier_type, identifier_value, min(person_id) as person_id
            from truth_identities group by all having count(distinct person_id) = 1
        ),
        linked_devices as (
            select anonymous_id from staging.stg_segment__identifies where user_id is not null or email is not null
            union select anonymous_id from staging.stg_segment__pages where user_id is not null
            union select anonymous_id from staging.stg_segment__tracks where user_id is not null
            union select anonymous_id from staging.stg_segment__signed_up where email is not null
        ),
        -- A request reaches the person's other identifiers only through an identifier the data ties to
        -- them: a device that never identified (no user id or email on any of its events) tells no
        -- warehouse whose it is, so only the device itself is expected erased. Likewise a device of the
        -- person is expected erased only when the data links it.
        linkable_requests as (
            select identifier_type, identifier_value from requests
            where identifier_type != 'anonymous_id' or identifier_value in (select anonymous_id from linked_devices)
        ),
        -- The same for CRM records: the data ties a lead or contact to a person only through a usable email
        -- (its own, or the one of the contact it converted into / the lead it came from). A record whose
        -- email is junk ('n/a', 'name at domain') on both sides is nobody's the warehouse can know.
        contacts_with_email as (
            select contact_id from staging.stg_crm__contacts where email is not null
        ),
        linked_crm_records as (
            select 'crm_lead_id' as identifier_type, lead_id as identifier_value from staging.stg_crm__leads
            where email is not null or converted_contact_id in (select contact_id from contacts_with_email)
            union
            select 'crm_contact_id', contact_id from contacts_with_email
            union
            select 'crm_contact_id', converted_contact_id from staging.stg_crm__leads
            where email is not null and converted_contact_id is not null
        )
        select distinct single.identifier_type, single.identifier_value
        from linkable_requests
        join single as asked using (identifier_type, identifier_value)
        join single on single.person_id = asked.person_id
        where single.identifier_type not in ('anonymous_id', 'crm_lead_id', 'crm_contact_id')
            or single.identifier_value in (select anonymous_id from linked_devices)
            or (single.identifier_type, single.identifier_value) in (select * from linked_crm_records)
            or (single.identifier_type, single.identifier_value) in (select * from requests)
        union
        select requests.identifier_type, requests.identifier_value
        from requests
        join single using (identifier_type, identifier_value)
    """)
    return True


def foundation_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Foundation IV, each figure must be 0:

    * accounts_duplicate: built accounts beyond the first of one true company (matched through the
      workspace id or the CRM account id the truth gives the company); accounts_duplicate_domains: domains
      held by more than one built account; opportunities_on_wrong_account: CRM opportunities whose account
      is not the true company's workspace account. Companies whose workspace owner asked to be forgotten
      are left out of these two (their rows are no evidence, so the CRM account may rightly stay apart) and
      counted in accounts_evidence_erased.
    * staff_people_in_customer_marts: customer-mart rows (dim_people, person→account ties, fct_events not
      flagged is_internal) of people with a staff identifier in raw (support agents/admins, product users
      flagged is_staff, emails on the company's own domain).
    * soft_deleted_records_in_graph: soft-deleted CRM leads/contacts in the identity graph, soft-deleted CRM
      accounts among resolved accounts.
    * deleted_people_rows_remaining: rows of intermediate/mart models holding an identifier of a person who
      asked to be forgotten (the truth's identifiers of the person each usable request names), leaving out
      identifiers the data can never tie to the person (anonymous ids never seen with a user id or email,
      identifiers the truth gives several people).
    """
    have = _relations(con)
    if "marts.dim_accounts" not in have or "raw.crm_accounts" not in have or "truth_accounts" not in {
            r[0] for r in con.execute("select view_name from duckdb_views() where temporary").fetchall()}:
        return {}
    figures: dict[str, float] = {}
    erased = _erased_truth_view(con, have)
    # Companies whose workspace owner asked to be forgotten: their rows are no evidence (docs/DECISIONS.md,
    # erasure), so when the owner was the workspace's only evidence (its domain), no warehouse can tie the
    # CRM account to the workspace. They are counted apart, not as duplicates.
    con.execute(f"""
        create or replace temp view truth_companies_evidence_erased as
        select t.account_id
        from truth_accounts as t
        join raw.app_workspaces as w on t.workspace_id = w.id
        where {"trim(w.owner_user_id) in (select identifier_value from erased_truth_identifiers "
               "where identifier_type = 'user_id')" if erased else "false"}
    """ if "raw.app_workspaces" in have else
        "create or replace temp view truth_companies_evidence_erased as select account_id from truth_accounts where false")
    figures["accounts_evidence_erased"] = _one(con, "select count(*) from truth_companies_evidence_erased")[0]
    figures["accounts_duplicate"] = _one(con, """
        with built as (
            select t.account_id as true_account, a.account_id
            from marts.dim_accounts as a
            join truth_accounts as t on a.workspace_id = t.workspace_id
            union
            select t.account_id as true_account, a.account_id
            from marts.dim_accounts as a
            join truth_accounts as t on a.crm_account_id = t.crm_account_id
        )
        select coalesce(sum(n - 1), 0) from (
            select true_account, count(*) as n from built
            where true_account not in (select account_id from truth_companies_evidence_erased)
            group by 1
        )
    """)[0]
    figures["accounts_duplicate_domains"] = _one(con, """
        select count(*) from (
            select domain from marts.dim_accounts where domain is not null group by domain having count(*) > 1
        )
    """)[0]
    figures["opportunities_on_wrong_account"] = _one(con, """
        select count(*)
        from staging.stg_crm__opportunities as o
        join truth_accounts as t on o.account_id = t.crm_account_id
        -- a live opportunity on a soft-deleted CRM account (inconsistent CRM data: Salesforce deletes an
        -- account's opportunities with it) has no account by rule: deleted records are no evidence
        join staging.stg_crm__accounts as crm on o.account_id = crm.account_id and not crm.is_deleted
        left join intermediate.int_crm_accounts_resolved as r on o.account_id = r.crm_account_id
        left join marts.dim_accounts as a on r.account_id = a.account_id
        where not o.is_deleted and t.workspace_id is not null and a.workspace_id is distinct from t.workspace_id
            and t.account_id not in (select account_id from truth_companies_evidence_erased)
    """)[0] if "intermediate.int_crm_accounts_resolved" in have else 0
    roles = ", ".join(f"'{r}'" for r in _STAFF_SUPPORT_ROLES)
    con.execute(f"""
        create or replace temp view staff_identifiers as
        select 'support_user_id' as identifier_type, cast(id as varchar) as identifier_value
        from raw.support_users where lower(trim(role)) in ({roles})
        union select 'email', lower(trim(email)) from raw.support_users where lower(trim(role)) in ({roles})
        union select 'user_id', trim(id) from raw.app_users where try_cast(is_staff as boolean)
        union select 'email', lower(trim(email)) from raw.app_users where try_cast(is_staff as boolean)
        union select identifier_type, identifier_value from intermediate.int_identities_stitched
        where identifier_type = 'email' and identifier_value like '%@{_INTERNAL_DOMAIN}'
    """)
    flagged = _one(con, """select count(*) from information_schema.columns
        where table_schema = 'marts' and table_name = 'fct_events' and column_name = 'is_internal'""")[0]
    unflagged = "not is_internal and" if flagged else ""
    figures["staff_people_in_customer_marts"] = _one(con, f"""
        with staff_people as (
            select distinct s.person_id
            from intermediate.int_identities_stitched as s
            join staff_identifiers using (identifier_type, identifier_value)
        )
        select
            (select count(*) from marts.dim_people where person_id in (select person_id from staff_people))
            + (select count(*) from intermediate.int_people_accounts_resolved
               where person_id in (select person_id from staff_people))
            + (select count(*) from marts.fct_events
               where {unflagged} person_id in (select person_id from staff_people))
    """)[0]
    figures["soft_deleted_records_in_graph"] = _one(con, """
        with deleted as (
            select 'crm_lead_id' as identifier_type, id as identifier_value from raw.crm_leads
            where try_cast(is_deleted as boolean)
            union all
            select 'crm_contact_id', id from raw.crm_contacts where try_cast(is_deleted as boolean)
        )
        select
            (select count(*) from intermediate.int_identities_stitched join deleted
                using (identifier_type, identifier_value))
            + (select count(*) from marts.dim_accounts where crm_account_id in (
                select id from raw.crm_accounts where try_cast(is_deleted as boolean)))
    """)[0]
    if not erased:
        return figures
    checks = [
        ("intermediate.int_identities_stitched", ["identifier_type", "identifier_value"], None),
        ("intermediate.int_identity_edges_unioned", ["left_type", "left_value"], None),
        ("intermediate.int_identity_edges_unioned", ["right_type", "right_value"], None),
        ("intermediate.int_web_events_sessionized", None, ["anonymous_id", "user_id"]),
        ("intermediate.int_sessions_aggregated", None, ["anonymous_id", "user_id"]),
        ("marts.fct_events", None, ["anonymous_id", "user_id"]),
        ("marts.fct_sessions", None, ["anonymous_id", "user_id"]),
        ("marts.dim_people", None, ["user_id", "primary_email"]),
        ("marts.dim_person_identifiers", ["identifier_type", "identifier_value"], None),
    ]
    remaining = 0
    for relation, pair, columns in checks:
        if relation not in have:
            continue
        if pair:
            where = f"({pair[0]}, {pair[1]}) in (select * from erased_truth_identifiers)"
        else:
            types = {"primary_email": "email"}
            where = " or ".join(
                f"{c} in (select identifier_value from erased_truth_identifiers "
                f"where identifier_type = '{types.get(c, c)}')" for c in columns)
        remaining += _one(con, f"select count(*) from {relation} where {where}")[0]
    figures["deleted_people_identifiers_expected_erased"] = _one(
        con, "select count(*) from erased_truth_identifiers")[0]
    figures["deleted_people_rows_remaining"] = remaining
    return figures


# --- marketing attribution ------------------------------------------------------------------------------
ATTRIBUTION_MODELS = ("first_touch", "last_touch", "last_non_direct", "linear", "u_shaped", "w_shaped", "time_decay",
                      "markov", "shapley")
# generator channel code -> warehouse channel (seed channel_rules)
TRUTH_CHANNELS = {"paid_search": "Paid Search", "paid_social": "Paid Social", "organic_search": "Organic Search",
                  "email": "Email", "referral": "Referral", "direct": "Direct", "event": "Events/Webinar",
                  "partner": "Partner"}


def _relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    rows = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, name]).fetchall()
    return rows[0][0] > 0


def attribution_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Per attribution model, the Spearman rank correlation between its channel credit shares and the channels'
    true causal contributions (generator truth `channel_lift`: expected leads / opportunities each channel
    caused), for lead_created and opportunity_created conversions; the same per touch (credits per warehouse
    touch of the channel vs conversions caused per generator visit); diagnostics: the data-driven models' own
    channel values against the truth, and the share of conversions the channels caused at all
    (docs/DECISIONS.md "Attribution truth"). Empty when the truth or mart is absent."""
    if not (_relation_exists(con, "marts", "fct_attribution_credits") and _truth_view(con)):
        return {}
    mapping = " ".join(f"when '{k}' then '{v}'" for k, v in TRUTH_CHANNELS.items())
    truth = con.execute(f"""
        select case channel {mapping} end as channel, sum(expected_leads_caused) as lead_created,
               sum(expected_opportunities_caused) as opportunity_created, sum(visits) as visits
        from truth_channel_lift group by 1""").df().set_index("channel")
    touches = dict(con.execute("select channel, count(*) from marts.fct_touchpoints group by 1").fetchall())
    touch_counts = truth.index.to_series().map(touches).fillna(0.0)
    credit_sums = ", ".join(f"sum({m}_credit) as {m}" for m in ATTRIBUTION_MODELS)
    credits = con.execute(f"""
        select conversion_type, channel, {credit_sums}
        from marts.fct_attribution_credits
        where conversion_type in ('lead_created', 'opportunity_created') and channel != '(no touch)'
        group by 1, 2""").df()
    figures: dict[str, float] = {}
    conversions = dict(con.execute("""
        select conversion_type, count(distinct conversion_id) from marts.fct_attribution_credits
        where conversion_type in ('lead_created', 'opportunity_created') group by 1""").fetchall())
    channel_values = _data_driven_channel_values(con)
    baseline_credit = dict(con.execute("""
        select conversion_type, sum(markov_credit) from marts.fct_attribution_credits
        where channel = '(baseline)' and conversion_type in ('lead_created', 'opportunity_created')
        group by 1""").fetchall())
    for conversion_type, label in (("lead_created", "lead"), ("opportunity_created", "opportunity")):
        shares = credits[credits.conversion_type == conversion_type].set_index("channel")[list(ATTRIBUTION_MODELS)]
        frame = shares.reindex(truth.index).fillna(0.0)
        frame = frame / frame.sum().where(frame.sum() > 0, 1.0)
        true_share = truth[conversion_type] / truth[conversion_type].sum()
        # per touch (docs/DECISIONS.md "Attribution truth"): conversions credited per touch of the channel vs
        # conversions the channel caused per visit. Shares mix in the intent-driven baseline conversions, which
        # every credit model must hand to some touch and which follow traffic; per touch, that baseline is
        # about the same for every channel and the ranking shows which channels yield more per touch.
        true_per_visit = truth[conversion_type] / truth["visits"].where(truth["visits"] > 0)
        per_touch = frame.div(touch_counts.where(touch_counts > 0), axis=0)
        for model in ATTRIBUTION_MODELS:
            figures[f"attribution_{label}_rank_corr_{model}"] = float(frame[model].corr(true_share, method="spearman"))
            figures[f"attribution_{label}_per_touch_rank_corr_{model}"] = float(
                per_touch[model].corr(true_per_visit, method="spearman"))
        # diagnostics (docs/DECISIONS.md "Attribution truth"): the data-driven models' own channel values
        # (before they are split over each conversion's touches), and how much of the conversions the channels
        # caused at all (the rest is the intent-driven baseline that every credit model still hands to a touch)
        for model, values in channel_values.get(conversion_type, {}).items():
            value = true_share.index.to_series().map(values).fillna(0.0)
            figures[f"attribution_{label}_rank_corr_{model}_channel_value"] = float(
                value.corr(true_share, method="spearman"))
        if conversions.get(conversion_type):
            figures[f"attribution_{label}_caused_share"] = float(truth[conversion_type].sum()
                                                                 / conversions[conversion_type])
            # the data-driven models' estimate of the conversions no channel caused (their `(baseline)` rows),
            # against the truth's 1 - caused share
            figures[f"attribution_{label}_baseline_share"] = float(baseline_credit.get(conversion_type, 0.0)
                                                                   / conversions[conversion_type])
    return figures


def _data_driven_channel_values(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, dict[str, float]]]:
    """{conversion type: {markov|shapley: {channel: removal effect share | Shapley share}}} from the
    intermediate models (empty where they are absent)."""
    values: dict[str, dict[str, dict[str, float]]] = {}
    for model, relation, column in (("markov", "int_attribution_markov_removal_effects", "removal_effect_share"),
                                    ("shapley", "int_attribution_shapley_values", "shapley_share")):
        if not _relation_exists(con, "intermediate", relation):
            continue
        for conversion_type, channel, value in con.execute(
                f"select conversion_type, channel, {column} from intermediate.{relation} order by 1, 2").fetchall():
            values.setdefault(conversion_type, {}).setdefault(model, {})[channel] = float(value or 0.0)
    return values


def _truth_view(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute("select count(*) from truth_channel_lift").fetchall()
        return True
    except duckdb.Error:
        return False


# --- Marketing: lead grade (issue 10, part 6) ------------------------------------------------------------
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


# --- Identity map (issue 14, part 1) ---------------------------------------------------------------------
def identity_map_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The public identity map (marts.dim_person_identifiers) against the truth's identifier -> person list.

    * identity_map_pairwise_precision / _recall: pairwise, over every identifier of the map that truly
      belongs to one person (emails compared lower-cased and trimmed, as staging writes them); unlike the
      graph figures this includes the devices nothing ever linked (each its own person in the map).
    * identity_map_<type>_coverage: share of the truth's user_ids and anonymous_ids (of people not erased)
      that the warehouse holds (in fct_events or the graph) and the map resolves: 1.0. (A device whose every
      event was quarantined is in no model and not counted.)
    * identity_map_event_person_mismatches: fct_events rows whose person_id is not the map's person of the
      event's user_id (else anonymous_id): must be 0 (the map and the events agree).
    Empty when the map or the truth is absent."""
    if not (_relation_exists(con, "marts", "dim_person_identifiers") and _has_truth_identities(con)):
        return {}
    erased = _erased_truth_people(con)
    truth_single = f"""
        select identifier_type,
            case when identifier_type = 'email' then lower(trim(identifier_value)) else identifier_value end
                as identifier_value,
            min(person_id) as actual
        from truth_identities
        group by all
        having count(distinct person_id) = 1 and min(person_id) not in (select person_id from {erased})
    """
    precision, recall, items = _pairwise(con, f"""
        select m.identifier_type || ':' || m.identifier_value as item, m.person_id as predicted, t.actual
        from marts.dim_person_identifiers as m
        join ({truth_single}) as t using (identifier_type, identifier_value)
    """)
    figures: dict[str, float] = {
        "identity_map_identifiers": _one(con, "select count(*) from marts.dim_person_identifiers")[0],
        "identity_map_identifiers_compared": items,
        "identity_map_pairwise_precision": precision,
        "identity_map_pairwise_recall": recall,
    }
    for identifier_type in ("user_id", "anonymous_id"):
        expected, found = _one(con, f"""
            select count(*), count(m.identifier_value)
            from ({truth_single}) as t
            left join marts.dim_person_identifiers as m using (identifier_type, identifier_value)
            where t.identifier_type = '{identifier_type}' and t.identifier_value in (
                select {identifier_type} from marts.fct_events
                union select identifier_value from intermediate.int_identities_stitched
                where identifier_type = '{identifier_type}')
        """)
        figures[f"identity_map_{identifier_type}_coverage"] = found / expected if expected else 1.0
    figures["identity_map_event_person_mismatches"] = _one(con, """
        select count(*) from marts.fct_events as e
        left join marts.dim_person_identifiers as u on u.identifier_type = 'user_id' and u.identifier_value = e.user_id
        left join marts.dim_person_identifiers as d
            on d.identifier_type = 'anonymous_id' and d.identifier_value = e.anonymous_id
        where coalesce(u.person_id, d.person_id) is distinct from e.person_id
    """)[0]
    return figures


def _has_truth_identities(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute("select count(*) from truth_identities").fetchall()
        return True
    except duckdb.Error:
        return False


def all_figures(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Every comparison with the ground truth, in one dict (what `make truth` prints)."""
    figures: dict[str, float] = {}
    for check in (staging_figures, identity_figures, event_identity_figures, account_figures, session_figures,
                  foundation_figures, health_figures, customer_success_onboarding_figures, sales_figures,
                  attribution_figures, lead_grade_figures, identity_map_figures):
        figures.update(check(con))
    return figures
