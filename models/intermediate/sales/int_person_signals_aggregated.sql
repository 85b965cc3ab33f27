{#- One row per known person, signal (seed sales_signals) and day: how many of the person's events
    matched the signal that day and when the last one happened. Anonymous visitors (dim_people
    lifecycle_stage 'visitor') are left out: nobody can contact them. Feeds the signal threshold score and
    the high-intent audiences. -#}
with

events as (

    select
        person_id,
        event_name,
        event_at,
        page_path
    from {{ ref('fct_events') }}

),

-- each distinct (event name, path) is matched against the signals' patterns once, not once per event
event_paths as (

    select distinct
        event_name,
        coalesce(page_path, '') as page_path
    from {{ ref('fct_events') }}

),

people as (

    select person_id
    from {{ ref('dim_people') }}
    where lifecycle_stage <> 'visitor'

),

signals as (

    select
        signal_key,
        event_name,
        page_path_pattern
    from {{ ref('sales_signals') }}

),

dates as (

    select as_of_date from {{ ref('int_sales_dates_resolved') }}

),

known_events as (

    select
        events.person_id,
        events.event_name,
        events.event_at,
        coalesce(events.page_path, '') as page_path
    from events
    inner join people
        on events.person_id = people.person_id

),

path_signals as (

    select
        event_paths.event_name,
        event_paths.page_path,
        signals.signal_key
    from event_paths
    inner join signals
        on event_paths.event_name = signals.event_name
    where
        signals.page_path_pattern is null
        or {{ gtm_warehouse.regexp_matches_expression('event_paths.page_path', 'signals.page_path_pattern') }}

),

matched as (

    select
        known_events.person_id,
        path_signals.signal_key,
        cast(known_events.event_at as date) as signal_date,
        known_events.event_at
    from known_events
    inner join path_signals
        on
            known_events.event_name = path_signals.event_name
            and known_events.page_path = path_signals.page_path

),

aggregated as (

    select
        matched.person_id,
        matched.signal_key,
        matched.signal_date,
        count(*) as event_count,
        max(matched.event_at) as last_event_at
    from matched
    cross join dates
    where matched.signal_date <= dates.as_of_date
    group by matched.person_id, matched.signal_key, matched.signal_date

)

select * from aggregated
