{#- One row per scored person and candidate day: every day on which a part of their signal threshold
    score may have changed (their own signal changes, a colleague's behaviour change, a lead of theirs
    created), from their first such day on. fct_person_score_history keeps the days on which the score
    did change.

    score = behaviour (sum of the capped signals, capped by seed sales_score_components)
          + colleagues (var gtm__sales_score_colleague_weight x the behaviour of the account's other
            scored people, capped)
          + firmographic fit + title fit (int_person_fit_scored),
    rounded to one decimal. Components stay exact (powers of two); only the score is rounded. -#}
with

signal_values as (

    select
        person_id,
        change_date,
        signal_points_change,
        last_event_at
    from {{ ref('int_person_signal_values_decayed') }}

),

fit as (

    select
        person_id,
        account_id,
        firmographic_fit_score,
        title_fit_score
    from {{ ref('int_person_fit_scored') }}

),

leads as (

    select
        person_id,
        cast(created_at as date) as created_date
    from {{ ref('int_leads_resolved') }}

),

components as (

    select
        max(case when component = 'behaviour' then max_points end) as behaviour_max_points,
        max(case when component = 'colleagues' then max_points end) as colleagues_max_points
    from {{ ref('sales_score_components') }}

),

behaviour_by_day as (

    select
        person_id,
        change_date,
        sum(signal_points_change) as signal_points_change,
        max(last_event_at) as last_signal_at
    from signal_values
    group by person_id, change_date

),

behaviour_running as (

    select
        behaviour_by_day.person_id,
        behaviour_by_day.change_date,
        behaviour_by_day.last_signal_at,
        least(
            sum(behaviour_by_day.signal_points_change) over (
                partition by behaviour_by_day.person_id
                order by behaviour_by_day.change_date
                rows between unbounded preceding and current row
            ),
            components.behaviour_max_points
        ) as behaviour_score
    from behaviour_by_day
    cross join components

),

behaviour_changes as (

    select
        behaviour_running.person_id,
        fit.account_id,
        behaviour_running.change_date,
        behaviour_running.last_signal_at,
        behaviour_running.behaviour_score,
        behaviour_running.behaviour_score - coalesce(
            lag(behaviour_running.behaviour_score) over (
                partition by behaviour_running.person_id order by behaviour_running.change_date
            ),
            0
        ) as behaviour_score_change
    from behaviour_running
    inner join fit
        on behaviour_running.person_id = fit.person_id

),

account_running as (

    select
        account_id,
        change_date,
        sum(sum(behaviour_score_change)) over (
            partition by account_id
            order by change_date
            rows between unbounded preceding and current row
        ) as account_behaviour_score
    from behaviour_changes
    where account_id is not null
    group by account_id, change_date

),

first_days as (

    select
        person_id,
        min(first_day) as first_day
    from (
        select
            person_id,
            min(change_date) as first_day
        from behaviour_changes
        group by person_id
        union all
        select
            person_id,
            min(created_date) as first_day
        from leads
        group by person_id
    ) as candidates
    group by person_id

),

candidate_days as (

    select
        person_id,
        change_date,
        behaviour_score,
        last_signal_at,
        cast(null as double) as account_behaviour_score
    from behaviour_changes
    union all
    select
        fit.person_id,
        account_running.change_date,
        cast(null as double) as behaviour_score,
        cast(null as timestamp) as last_signal_at,
        account_running.account_behaviour_score
    from account_running
    inner join fit
        on account_running.account_id = fit.account_id
    union all
    select
        person_id,
        created_date as change_date,
        cast(null as double) as behaviour_score,
        cast(null as timestamp) as last_signal_at,
        cast(null as double) as account_behaviour_score
    from leads

),

days_collapsed as (

    select
        candidate_days.person_id,
        candidate_days.change_date,
        max(candidate_days.behaviour_score) as behaviour_score,
        max(candidate_days.last_signal_at) as last_signal_at,
        max(candidate_days.account_behaviour_score) as account_behaviour_score
    from candidate_days
    inner join first_days
        on
            candidate_days.person_id = first_days.person_id
            and candidate_days.change_date >= first_days.first_day
    group by candidate_days.person_id, candidate_days.change_date

),

days_filled as (

    select
        person_id,
        change_date,
        last_signal_at,
        coalesce({{ gtm_warehouse.last_value_ignore_nulls('behaviour_score') }} over (
            partition by person_id order by change_date rows between unbounded preceding and current row
        ), 0) as behaviour_score,
        coalesce({{ gtm_warehouse.last_value_ignore_nulls('account_behaviour_score') }} over (
            partition by person_id order by change_date rows between unbounded preceding and current row
        ), 0) as account_behaviour_score
    from days_collapsed

),

scored as (

    select
        days_filled.person_id,
        fit.account_id,
        days_filled.change_date,
        days_filled.last_signal_at,
        days_filled.behaviour_score,
        least(
            {{ var('gtm__sales_score_colleague_weight') }}
            * greatest(days_filled.account_behaviour_score - days_filled.behaviour_score, 0),
            components.colleagues_max_points
        ) as colleague_score,
        fit.firmographic_fit_score,
        fit.title_fit_score
    from days_filled
    inner join fit
        on days_filled.person_id = fit.person_id
    cross join components

),

final as (

    select
        person_id,
        account_id,
        change_date,
        last_signal_at,
        behaviour_score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        round(behaviour_score + colleague_score + firmographic_fit_score + title_fit_score, 1) as score
    from scored

)

select * from final
