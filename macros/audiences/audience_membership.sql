{#- The shared audience pattern: every audience (sales high-intent, marketing persona, customer-success
    feature adoption and NPS) uses these macros; docs/DECISIONS.md "Audiences: one pattern" says how.

    1. History: one model per audience family with audience_key, person_id, entered_at, exited_at, one row
       per membership spell, half-open [entered_at, exited_at), exited_at NULL while a member; dates or
       timestamps. Built by audience_membership_history when the audience is signals within windows
       (seed definitions), else derived by the model from its own rule (persona periods, NPS waves,
       adoption spells) with the same columns; always a pure function of the data.
    2. Current members: audience_is_member_on(as of) (or audience_current for histories with membership_id).
    3. Changes since the previous build: audience_membership_changes(history, as of, previous as of).
    4. Full change log (optional): audience_changes.
    Never compare with an earlier build or a file on disk: a rebuild, an incremental run and a full
    refresh must give the same rows, and an erased person must leave no row.

    Rule-based audiences (audience_membership_history):

    An audience is data: rows (audience_key, match_type, signal_key, window_days). A person is a member on
    day d when, for `any`, at least one of the audience's signals, for `all`, every one of them, happened
    within its window: on a day in [d - window_days + 1, d]. So a signal on day e covers the days
    [e, e + window_days) and the person exits ON day e + window_days (the exact edge no longer counts).

    Membership is computed from the signals alone, as of a date, so the history, the current members and
    the change since the previous build all come from one place and never from files on disk.
    Only portable SQL (window functions, dbt.dateadd); the caller wraps the output in a CTE. -#}


{#- One row per membership interval: audience_key, person_id, entered_at (first day as a member) and
    exited_at (first day no longer a member; NULL while still a member on `as_of_date`).
    signals: relation or CTE with person_id, signal_key, signal_date (one row per person, signal and day
    is enough; more rows are fine). definitions: relation or CTE with audience_key, match_type ('all' or
    'any'), signal_key, window_days (one row per audience and signal). as_of_date: SQL date expression;
    signals after it are ignored. -#}
{% macro audience_membership_history(signals, definitions, as_of_date) -%}
    with

    audience_rules as (

        select
            audience_key,
            signal_key,
            window_days
        from {{ definitions }}

    ),

    audience_requirements as (

        select
            audience_key,
            case
                when max(match_type) = 'all' then count(distinct signal_key)
                else 1
            end as signals_required
        from {{ definitions }}
        group by audience_key

    ),

    signal_coverage as (

        select
            audience_rules.audience_key,
            signals.person_id,
            signals.signal_key,
            signals.signal_date as covered_from,
            cast({{ dbt.dateadd('day', 'audience_rules.window_days', 'signals.signal_date') }} as date) as covered_until
        from {{ signals }} as signals
        inner join audience_rules
            on signals.signal_key = audience_rules.signal_key
        where signals.signal_date <= {{ as_of_date }}

    ),

    coverage_ordered as (

        select
            audience_key,
            person_id,
            signal_key,
            covered_from,
            covered_until,
            max(covered_until) over (
                partition by audience_key, person_id, signal_key
                order by covered_from, covered_until
                rows between unbounded preceding and 1 preceding
            ) as previous_covered_until
        from signal_coverage

    ),

    coverage_numbered as (

        select
            audience_key,
            person_id,
            signal_key,
            covered_from,
            covered_until,
            sum(case when previous_covered_until is null or covered_from > previous_covered_until then 1 else 0 end)
                over (
                    partition by audience_key, person_id, signal_key
                    order by covered_from, covered_until
                    rows between unbounded preceding and current row
                ) as island_number
        from coverage_ordered

    ),

    signal_islands as (

        select
            audience_key,
            person_id,
            signal_key,
            min(covered_from) as island_from,
            max(covered_until) as island_until
        from coverage_numbered
        group by audience_key, person_id, signal_key, island_number

    ),

    coverage_boundaries as (

        select
            audience_key,
            person_id,
            island_from as boundary_date,
            1 as coverage_change
        from signal_islands
        union all
        select
            audience_key,
            person_id,
            island_until as boundary_date,
            -1 as coverage_change
        from signal_islands

    ),

    coverage_by_day as (

        select
            audience_key,
            person_id,
            boundary_date,
            sum(coverage_change) as coverage_change
        from coverage_boundaries
        group by audience_key, person_id, boundary_date

    ),

    coverage_running as (

        select
            coverage_by_day.audience_key,
            coverage_by_day.person_id,
            coverage_by_day.boundary_date,
            sum(coverage_by_day.coverage_change) over (
                partition by coverage_by_day.audience_key, coverage_by_day.person_id
                order by coverage_by_day.boundary_date
                rows between unbounded preceding and current row
            ) >= audience_requirements.signals_required as is_member
        from coverage_by_day
        inner join audience_requirements
            on coverage_by_day.audience_key = audience_requirements.audience_key

    ),

    membership_flips as (

        select
            audience_key,
            person_id,
            boundary_date,
            is_member,
            coalesce(
                lag(is_member) over (partition by audience_key, person_id order by boundary_date), false
            ) as was_member
        from coverage_running

    ),

    membership_transitions as (

        select
            audience_key,
            person_id,
            boundary_date,
            is_member,
            lead(boundary_date) over (partition by audience_key, person_id order by boundary_date) as next_boundary_date
        from membership_flips
        where is_member <> was_member

    )

    select
        audience_key,
        person_id,
        boundary_date as entered_at,
        case when next_boundary_date <= {{ as_of_date }} then next_boundary_date end as exited_at
    from membership_transitions
    where is_member
{%- endmacro %}


{#- True when the history row (entered_at, exited_at) makes the person a member on `at_date`: a day for
    date histories, an instant for timestamp histories (the end of day d is the instant d + 1 day). -#}
{% macro audience_is_member_on(at_date, entered_at='entered_at', exited_at='exited_at') -%}
    ({{ entered_at }} <= {{ at_date }} and ({{ exited_at }} is null or {{ exited_at }} > {{ at_date }}))
{%- endmacro %}


{#- The change since the previous build, from the history alone: one row per audience and person whose
    membership differs between `previous_date` and `as_of_date`, with change_type 'entered' or 'exited'
    and changed_at: the entered_at of the spell the person is in at `as_of_date` (entered), or the
    exited_at of the spell they were in at `previous_date` (exited).
    history: relation or CTE with audience_key, person_id, entered_at, exited_at (half-open spells
    [entered_at, exited_at), dates or timestamps; `as_of_date` / `previous_date` of the same type). -#}
{% macro audience_membership_changes(history, as_of_date, previous_date) -%}
    with

    membership_states as (

        select
            audience_key,
            person_id,
            max(case when {{ gtm_warehouse.audience_is_member_on(as_of_date) }} then 1 else 0 end) as is_member_now,
            max(case when {{ gtm_warehouse.audience_is_member_on(previous_date) }} then 1 else 0 end)
                as was_member_before,
            max(case when {{ gtm_warehouse.audience_is_member_on(as_of_date) }} then entered_at end)
                as entered_at_now,
            max(case when {{ gtm_warehouse.audience_is_member_on(previous_date) }} then exited_at end)
                as exited_at_since
        from {{ history }}
        group by audience_key, person_id

    )

    select
        audience_key,
        person_id,
        case when is_member_now = 1 then 'entered' else 'exited' end as change_type,
        case when is_member_now = 1 then entered_at_now else exited_at_since end as changed_at
    from membership_states
    where is_member_now <> was_member_before
{%- endmacro %}


{#- Model bodies over a history relation that also has a membership_id (one row per spell), built as of
    the reference time (spells not yet exited have exited_at NULL).
    audience_current: the people in each audience now (spells not exited); the same rows as
    audience_is_member_on(as of) when the history was built as of that time. -#}
{% macro audience_current(history) -%}
with

history as (

    select
        membership_id,
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ history }}

),

current_members as (

    select
        membership_id,
        audience_key,
        person_id,
        entered_at
    from history
    where exited_at is null

)

select * from current_members
{%- endmacro %}


{#- audience_changes: the full change log, one row per entry into or exit from an audience at any time
    (for destinations that replay a log); "what changed since the previous build" is
    audience_membership_changes. -#}
{% macro audience_changes(history) -%}
with

history as (

    select
        membership_id,
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ history }}

),

entries as (

    select
        membership_id,
        audience_key,
        person_id,
        'entered' as change_type,
        entered_at as changed_at
    from history

),

exits as (

    select
        membership_id,
        audience_key,
        person_id,
        'exited' as change_type,
        exited_at as changed_at
    from history
    where exited_at is not null

),

changes as (

    select * from entries
    union all
    select * from exits

),

final as (

    select
        {{ dbt.concat(['membership_id', "'|'", 'change_type']) }} as change_id,
        membership_id,
        audience_key,
        person_id,
        change_type,
        changed_at
    from changes

)

select * from final
{%- endmacro %}
