{#- Grain: one row per scored person and day on which their signal threshold score changed (not a dense
    calendar), from their first signal or lead day to the as-of day. The last row of a person is their
    current score (a singular test recomputes it directly). -#}
with

score_days as (

    select
        person_id,
        account_id,
        change_date,
        last_signal_at,
        behaviour_score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        score
    from {{ ref('int_person_scores_changed') }}

),

compared as (

    select
        person_id,
        account_id,
        change_date,
        last_signal_at,
        behaviour_score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        score,
        lag(score) over (partition by person_id order by change_date) as previous_day_score
    from score_days

),

changed as (

    select
        person_id,
        account_id,
        change_date,
        last_signal_at,
        behaviour_score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        score
    from compared
    where previous_day_score is null or score <> previous_day_score

),

history as (

    select
        {{ dbt.hash(dbt.concat(['person_id', "'|'", 'cast(change_date as ' ~ dbt.type_string() ~ ')'])) }}
            as score_history_id,
        person_id,
        account_id,
        change_date as score_date,
        score,
        lag(score) over (partition by person_id order by change_date) as previous_score,
        score - coalesce(lag(score) over (partition by person_id order by change_date), 0) as score_change,
        behaviour_score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        last_signal_at,
        lead(change_date) over (partition by person_id order by change_date) is null as is_current
    from changed

)

select * from history
