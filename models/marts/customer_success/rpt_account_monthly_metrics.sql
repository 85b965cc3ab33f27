{#- The monthly roundup: one row per product account (an account with a workspace) and calendar month,
    from the month its workspace was created to the month of the reference time (the last month is
    partial: is_month_complete false). API calls this month and last month, new track calls (event names
    the account sent for the first time this month), % of its active people who are identified, sources
    and destinations set up at the end of the month. Recipients are in rpt_account_roundup_recipients. -#}
{{ config(enabled=var('using_product_db')) }}

with

accounts as (

    select
        account_id,
        account_name,
        workspace_id,
        current_plan_tier,
        signed_up_at
    from {{ ref('dim_accounts') }}
    where workspace_id is not null and signed_up_at is not null

),

events as (

    select
        account_id,
        person_id,
        event_type,
        event_name,
        event_at
    from {{ ref('fct_events') }}
    where account_id is not null

),

people as (

    select
        person_id,
        user_id
    from {{ ref('dim_people') }}

),

api_usage as (

    select
        workspace_id,
        usage_date,
        api_calls
    from {{ ref('stg_product__api_usage_daily') }}

),

sources as (

    select
        workspace_id,
        created_at,
        deleted_at
    from {{ ref('stg_product__sources') }}

),

destinations as (

    select
        workspace_id,
        created_at,
        deleted_at
    from {{ ref('stg_product__destinations') }}
    where coalesce(is_enabled, false)

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

months as (

    -- every month with an event, up to the reference time (the period is contiguous)
    select distinct {{ dbt.date_trunc('month', 'events.event_at') }} as month_start
    from events
    cross join reference_time
    where events.event_at <= reference_time.as_of_at

),

account_months as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.workspace_id,
        accounts.current_plan_tier,
        months.month_start,
        {{ gtm_warehouse.timestamp_add('month', 1, 'months.month_start') }} as next_month_start,
        reference_time.as_of_at
    from accounts
    inner join months on {{ dbt.date_trunc('month', 'accounts.signed_up_at') }} <= months.month_start
    cross join reference_time

),

api_monthly as (

    select
        workspace_id,
        {{ dbt.date_trunc('month', 'usage_date') }} as month_start,
        sum(api_calls) as api_calls
    from api_usage
    group by workspace_id, {{ dbt.date_trunc('month', 'usage_date') }}

),

track_first_seen as (

    select
        account_id,
        event_name,
        min(event_at) as first_seen_at
    from events
    where event_type = 'track' and event_name is not null
    group by account_id, event_name

),

new_tracks as (

    select
        account_id,
        {{ dbt.date_trunc('month', 'first_seen_at') }} as month_start,
        count(*) as new_track_events,
        {{ gtm_warehouse.sorted_distinct_string_agg('event_name') }} as new_track_event_names
    from track_first_seen
    group by account_id, {{ dbt.date_trunc('month', 'first_seen_at') }}

),

people_monthly as (

    select
        events.account_id,
        {{ dbt.date_trunc('month', 'events.event_at') }} as month_start,
        count(distinct events.person_id) as active_people,
        count(distinct case when people.user_id is not null then events.person_id end) as identified_people,
        count(*) as events
    from events
    left join people on events.person_id = people.person_id
    group by events.account_id, {{ dbt.date_trunc('month', 'events.event_at') }}

),

setup_counts as (

    select
        account_months.account_id,
        account_months.month_start,
        count(sources.workspace_id) as sources_set_up
    from account_months
    inner join sources
        on
            account_months.workspace_id = sources.workspace_id
            and account_months.next_month_start > sources.created_at
            and (sources.deleted_at is null or account_months.next_month_start <= sources.deleted_at)
    group by account_months.account_id, account_months.month_start

),

destination_counts as (

    select
        account_months.account_id,
        account_months.month_start,
        count(destinations.workspace_id) as destinations_set_up
    from account_months
    inner join destinations
        on
            account_months.workspace_id = destinations.workspace_id
            and account_months.next_month_start > destinations.created_at
            and (destinations.deleted_at is null or account_months.next_month_start <= destinations.deleted_at)
    group by account_months.account_id, account_months.month_start

),

joined as (

    select
        account_months.account_id,
        account_months.account_name,
        account_months.workspace_id,
        account_months.current_plan_tier,
        account_months.month_start,
        new_tracks.new_track_event_names,
        account_months.next_month_start <= account_months.as_of_at as is_month_complete,
        coalesce(api_monthly.api_calls, 0) as api_calls,
        coalesce(new_tracks.new_track_events, 0) as new_track_events,
        coalesce(people_monthly.active_people, 0) as active_people,
        coalesce(people_monthly.identified_people, 0) as identified_people,
        coalesce(people_monthly.events, 0) as events,
        coalesce(setup_counts.sources_set_up, 0) as sources_set_up,
        coalesce(destination_counts.destinations_set_up, 0) as destinations_set_up
    from account_months
    left join api_monthly
        on account_months.workspace_id = api_monthly.workspace_id
            and account_months.month_start = api_monthly.month_start
    left join new_tracks
        on account_months.account_id = new_tracks.account_id and account_months.month_start = new_tracks.month_start
    left join people_monthly
        on
            account_months.account_id = people_monthly.account_id
            and account_months.month_start = people_monthly.month_start
    left join setup_counts
        on account_months.account_id = setup_counts.account_id and account_months.month_start = setup_counts.month_start
    left join destination_counts
        on
            account_months.account_id = destination_counts.account_id
            and account_months.month_start = destination_counts.month_start

),

with_previous as (

    select
        *,
        lag(api_calls) over (partition by account_id order by month_start) as api_calls_last_month
    from joined

),

final as (

    select
        {{ dbt.concat([
            'account_id', "'|'",
            "cast(" ~ dbt.date_trunc('day', 'month_start') ~ " as " ~ dbt.type_string() ~ ")",
        ]) }} as account_month_id,
        account_id,
        account_name,
        workspace_id,
        current_plan_tier,
        month_start,
        is_month_complete,
        api_calls,
        coalesce(api_calls_last_month, 0) as api_calls_last_month,
        {{ gtm_warehouse.percentage('api_calls - api_calls_last_month', 'api_calls_last_month') }}
            as api_calls_change_pct,
        new_track_events,
        new_track_event_names,
        active_people,
        identified_people,
        {{ gtm_warehouse.percentage('identified_people', 'active_people') }} as identified_people_pct,
        events,
        sources_set_up,
        destinations_set_up
    from with_previous

)

select * from final
