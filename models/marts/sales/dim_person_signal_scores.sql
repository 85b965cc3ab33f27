{#- Grain: one row per scored person (a known person with a behaviour signal, or the person of a lead):
    the signal threshold score on the as-of day, its parts and top reasons, and the profile-card metrics
    a rep sees next to it (emails today, last visit, visits this week, top pages).

    The score here is computed directly from the signals with the decay formula
    points x 0.5^floor(age_days / half-life) (age < window), not read from the history, so the singular
    test assert_person_score_history_ends_at_current_score checks the incremental-change machinery of
    fct_person_score_history against an independent computation. -#}
{%- set half_life = var('gtm__sales_score_half_life_days') | int -%}
{%- set window = var('gtm__sales_score_window_days') | int -%}
{%- set signal_age_days = dbt.datediff('signal_days.signal_date', 'dates.as_of_date', 'day') -%}
{%- set page_count_text = 'cast(count(*) as ' ~ dbt.type_string() ~ ')' -%}
{%- set page_age_days = dbt.datediff('event_date', 'as_of_date', 'day') -%}
with

dates as (

    select
        as_of_date,
        as_of_week_start
    from {{ ref('int_sales_dates_resolved') }}

),

signal_days as (

    select
        person_id,
        signal_key,
        signal_date,
        event_count
    from {{ ref('int_person_signals_aggregated') }}

),

signals as (

    select
        signal_key,
        signal_name,
        points,
        cap_points
    from {{ ref('sales_signals') }}

),

components as (

    select
        component,
        component_name,
        max_points
    from {{ ref('sales_score_components') }}

),

fit as (

    select
        person_id,
        account_id,
        firmographic_fit_score,
        title_fit_score
    from {{ ref('int_person_fit_scored') }}

),

events as (

    select
        person_id,
        event_name,
        event_type,
        event_at,
        page_path
    from {{ ref('fct_events') }}

),

sessions as (

    select
        person_id,
        started_at
    from {{ ref('fct_sessions') }}

),

signal_points_now as (

    select
        signal_days.person_id,
        signal_days.signal_key,
        least(
            sum(
                signal_days.event_count * signals.points
                * power(0.5, floor({{ signal_age_days }} / {{ half_life }}))
            ),
            max(signals.cap_points)
        ) as signal_points
    from signal_days
    inner join signals
        on signal_days.signal_key = signals.signal_key
    cross join dates
    where {{ signal_age_days }} < {{ window }}
    group by signal_days.person_id, signal_days.signal_key

),

behaviour_now as (

    select
        signal_points_now.person_id,
        least(sum(signal_points_now.signal_points), max(components.max_points)) as behaviour_score
    from signal_points_now
    inner join components
        on components.component = 'behaviour'
    group by signal_points_now.person_id

),

people_behaviour as (

    select
        fit.person_id,
        fit.account_id,
        coalesce(behaviour_now.behaviour_score, 0) as behaviour_score
    from fit
    left join behaviour_now
        on fit.person_id = behaviour_now.person_id

),

account_behaviour as (

    select
        account_id,
        sum(behaviour_score) as account_behaviour_score
    from people_behaviour
    where account_id is not null
    group by account_id

),

scores as (

    select
        people_behaviour.person_id,
        people_behaviour.account_id,
        people_behaviour.behaviour_score,
        least(
            {{ var('gtm__sales_score_colleague_weight') }} * greatest(
                coalesce(account_behaviour.account_behaviour_score, 0) - people_behaviour.behaviour_score, 0
            ),
            colleague_components.max_points
        ) as colleague_score,
        fit.firmographic_fit_score,
        fit.title_fit_score
    from people_behaviour
    inner join fit
        on people_behaviour.person_id = fit.person_id
    left join account_behaviour
        on people_behaviour.account_id = account_behaviour.account_id
    inner join components as colleague_components
        on colleague_components.component = 'colleagues'

),

reasons as (

    select
        signal_points_now.person_id as entity_id,
        signals.signal_name as reason_label,
        signal_points_now.signal_points as reason_points
    from signal_points_now
    inner join signals
        on signal_points_now.signal_key = signals.signal_key
    where signal_points_now.signal_points > 0
    union all
    select
        scores.person_id as entity_id,
        components.component_name as reason_label,
        case components.component
            when 'colleagues' then scores.colleague_score
            when 'firmographic_fit' then scores.firmographic_fit_score
            when 'title_fit' then scores.title_fit_score
        end as reason_points
    from scores
    inner join components
        on components.component in ('colleagues', 'firmographic_fit', 'title_fit')
    where
        case components.component
            when 'colleagues' then scores.colleague_score
            when 'firmographic_fit' then scores.firmographic_fit_score
            when 'title_fit' then scores.title_fit_score
        end > 0

),

top_reasons as (

    {{ gtm_warehouse.score_top_reasons('reasons') }}

),

events_until_as_of as (

    select
        events.person_id,
        events.event_name,
        events.event_type,
        events.event_at,
        events.page_path,
        cast(events.event_at as date) as event_date,
        dates.as_of_date
    from events
    cross join dates
    where cast(events.event_at as date) <= dates.as_of_date

),

event_metrics as (

    select
        person_id,
        cast(sum(case when event_name = 'email_delivered' and event_date = as_of_date then 1 else 0 end) as bigint)
            as emails_today,
        max(case when event_type = 'page' then event_at end) as last_page_view_at
    from events_until_as_of
    group by person_id

),

page_counts as (

    select
        person_id,
        page_path,
        {{ dbt.concat(['page_path', "' ('", page_count_text, "')'"]) }} as page_label,
        row_number() over (partition by person_id order by count(*) desc, page_path) as page_rank
    from events_until_as_of
    where
        event_type = 'page'
        and page_path is not null
        and {{ page_age_days }} < {{ var('gtm__sales_top_pages_days') }}
    group by person_id, page_path

),

top_pages as (

    select
        person_id,
        concat_ws(
            '; ',
            max(case when page_rank = 1 then page_label end),
            max(case when page_rank = 2 then page_label end),
            max(case when page_rank = 3 then page_label end)
        ) as top_pages
    from page_counts
    group by person_id

),

session_metrics as (

    select
        sessions.person_id,
        cast(sum(case when cast(sessions.started_at as date) >= dates.as_of_week_start then 1 else 0 end) as bigint)
            as visits_this_week,
        max(sessions.started_at) as last_visit_at
    from sessions
    cross join dates
    where cast(sessions.started_at as date) <= dates.as_of_date
    group by sessions.person_id

),

final as (

    select
        scores.person_id,
        scores.account_id,
        dates.as_of_date,
        scores.behaviour_score,
        scores.colleague_score,
        scores.firmographic_fit_score,
        scores.title_fit_score,
        session_metrics.last_visit_at,
        event_metrics.last_page_view_at,
        top_pages.top_pages,
        round(
            scores.behaviour_score + scores.colleague_score + scores.firmographic_fit_score + scores.title_fit_score, 1
        ) as score,
        coalesce(top_reasons.top_reasons, '') as top_reasons,
        coalesce(event_metrics.emails_today, 0) as emails_today,
        coalesce(session_metrics.visits_this_week, 0) as visits_this_week
    from scores
    cross join dates
    left join top_reasons
        on scores.person_id = top_reasons.entity_id
    left join event_metrics
        on scores.person_id = event_metrics.person_id
    left join session_metrics
        on scores.person_id = session_metrics.person_id
    left join top_pages
        on scores.person_id = top_pages.person_id

)

select * from final
