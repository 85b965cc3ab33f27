{#- One row per scored person, behaviour signal and day on which the signal's points changed: an event
    day, a whole half-life after one, or the end of its window. Points of a day's events are
    count x points (seed sales_signals) x 0.5^floor(age_days / var gtm__sales_score_half_life_days),
    and 0 from age var gtm__sales_score_window_days on; the signal's value is capped at its cap_points.

    Decay is stepwise so that a value changes only on known days: each event day is expanded into its
    change days with the weight CHANGE of that step (+1, -0.5, -0.25, ...), and a running sum gives the
    value. No dense calendar: rows = signal days x (window / half-life + 2). The weights are powers of
    two and points are whole numbers, so every sum is exact and identical on every engine. -#}
{%- set half_life = var('gtm__sales_score_half_life_days') | int -%}
{%- set window = var('gtm__sales_score_window_days') | int -%}
{%- set last_step = ((window - 1) // half_life) -%}
{#- (days after the event, change of its weight that day): +1, -0.5, -0.25, ..., the rest at the window's end -#}
{%- set decay_steps = [(0, 1.0)] -%}
{%- for step in range(1, last_step + 1) -%}
    {%- do decay_steps.append((step * half_life, -(0.5 ** step))) -%}
{%- endfor -%}
{%- do decay_steps.append((window, -(0.5 ** last_step))) -%}
with

signals as (

    select
        person_id,
        signal_key,
        signal_date,
        event_count,
        last_event_at
    from {{ ref('int_person_signals_aggregated') }}

),

weights as (

    select
        signal_key,
        points,
        cap_points
    from {{ ref('sales_signals') }}

),

dates as (

    select as_of_date from {{ ref('int_sales_dates_resolved') }}

),

decay_steps as (

    select
        offset_days,
        cast(weight_change as double) as weight_change
    from values {{ decay_steps | join(', ') }} as steps (offset_days, weight_change)

),

contributions as (

    select
        signals.person_id,
        signals.signal_key,
        cast({{ dbt.dateadd('day', 'decay_steps.offset_days', 'signals.signal_date') }} as date) as change_date,
        signals.event_count * weights.points * decay_steps.weight_change as raw_points_change,
        case when decay_steps.offset_days = 0 then signals.last_event_at end as last_event_at
    from signals
    inner join weights
        on signals.signal_key = weights.signal_key
    cross join decay_steps

),

changes_by_day as (

    select
        contributions.person_id,
        contributions.signal_key,
        contributions.change_date,
        sum(contributions.raw_points_change) as raw_points_change,
        max(contributions.last_event_at) as last_event_at
    from contributions
    cross join dates
    where contributions.change_date <= dates.as_of_date
    group by contributions.person_id, contributions.signal_key, contributions.change_date

),

running as (

    select
        changes_by_day.person_id,
        changes_by_day.signal_key,
        changes_by_day.change_date,
        changes_by_day.last_event_at,
        least(
            sum(changes_by_day.raw_points_change) over (
                partition by changes_by_day.person_id, changes_by_day.signal_key
                order by changes_by_day.change_date
                rows between unbounded preceding and current row
            ),
            weights.cap_points
        ) as signal_points
    from changes_by_day
    inner join weights
        on changes_by_day.signal_key = weights.signal_key

),

decayed as (

    select
        person_id,
        signal_key,
        change_date,
        last_event_at,
        signal_points,
        signal_points - coalesce(
            lag(signal_points) over (partition by person_id, signal_key order by change_date), 0
        ) as signal_points_change
    from running

)

select * from decayed
