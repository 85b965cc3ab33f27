{#- One row per session: when, how long, what it contained, where it came from. Landing page = the
    session's first page event (else its first event); referrer, UTMs and click ids = the first event's;
    user_id = the first non-NULL one. device_class, channel and entry_point come from the rule seeds
    (lowest priority number that matches wins; a rule's empty pattern matches anything; a missing value
    is matched as ''). Incremental like int_web_events_sessionized: all sessions of each anonymous_id
    with an event loaded within var gtm__lookback_hours of the newest row built are recomputed. -#}
{{ config(
    materialized='incremental',
    unique_key='anonymous_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}


with

int_web_events_sessionized as (

    select * from {{ ref('int_web_events_sessionized') }}

),

channel_rules as (

    select * from {{ ref('channel_rules') }}

),

entry_point_rules as (

    select * from {{ ref('entry_point_rules') }}

),

device_class_rules as (

    select * from {{ ref('device_class_rules') }}

),

scoped as (

    select *
    from int_web_events_sessionized{{ gtm_warehouse.sessions_scope(
        'int_web_events_sessionized', this_loaded_at='last_loaded_at'
    ) }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by session_id
            order by case when event_type = 'page' then 0 else 1 end, event_at, message_id
        ) as landing_rank,
        row_number() over (
            partition by session_id
            order by case when user_id is null then 1 else 0 end, event_at, message_id
        ) as user_id_rank,
        row_number() over (
            partition by session_id
            order by case when user_agent is null then 1 else 0 end, event_at, message_id
        ) as user_agent_rank
    from scoped

),

aggregated as (

    select
        session_id,
        anonymous_id,
        max(case when user_id_rank = 1 then user_id end) as user_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        max(case when landing_rank = 1 then page_url end) as landing_page_url,
        max(case when landing_rank = 1 then page_path end) as landing_page_path,
        max(case when landing_rank = 1 then page_title end) as landing_page_title,
        max(case when session_event_number = 1 then page_referrer end) as page_referrer,
        max(case when session_event_number = 1 then referrer_host end) as referrer_host,
        max(case when session_event_number = 1 then utm_source end) as utm_source,
        max(case when session_event_number = 1 then utm_medium end) as utm_medium,
        max(case when session_event_number = 1 then utm_campaign end) as utm_campaign,
        max(case when session_event_number = 1 then utm_term end) as utm_term,
        max(case when session_event_number = 1 then utm_content end) as utm_content,
        max(case when session_event_number = 1 then gclid end) as gclid,
        max(case when session_event_number = 1 then fbclid end) as fbclid,
        max(case when session_event_number = 1 then li_fat_id end) as li_fat_id,
        max(case when session_event_number = 1 then msclkid end) as msclkid,
        max(case when user_agent_rank = 1 then user_agent end) as user_agent,
        sum(case when event_type = 'page' then 1 else 0 end) as page_count,
        sum(case when event_type = 'track' then 1 else 0 end) as track_count,
        count(*) as event_count,
        max(loaded_at) as last_loaded_at
    from ranked
    group by session_id, anonymous_id

),

with_click_ids as (

    select
        *,
        {{ dbt.concat([
            "case when gclid is not null then 'gclid ' else '' end",
            "case when fbclid is not null then 'fbclid ' else '' end",
            "case when li_fat_id is not null then 'li_fat_id ' else '' end",
            "case when msclkid is not null then 'msclkid ' else '' end",
        ]) }} as click_ids
    from aggregated

),

channel_matches as (

    select
        with_click_ids.session_id,
        channel_rules.channel,
        row_number() over (
            partition by with_click_ids.session_id
            order by channel_rules.priority, channel_rules.channel
        ) as rule_rank
    from with_click_ids
    cross join channel_rules
    where
        (
            channel_rules.utm_medium_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "coalesce(with_click_ids.utm_medium, '')", "channel_rules.utm_medium_pattern"
            ) }}
        )
        and (
            channel_rules.utm_source_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "coalesce(with_click_ids.utm_source, '')", "channel_rules.utm_source_pattern"
            ) }}
        )
        and (
            channel_rules.referrer_host_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "coalesce(with_click_ids.referrer_host, '')", "channel_rules.referrer_host_pattern"
            ) }}
        )
        and (
            channel_rules.click_id_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "coalesce(with_click_ids.click_ids, '')", "channel_rules.click_id_pattern"
            ) }}
        )

),

entry_point_matches as (

    select
        with_click_ids.session_id,
        entry_point_rules.entry_point,
        row_number() over (
            partition by with_click_ids.session_id
            order by entry_point_rules.priority, entry_point_rules.entry_point
        ) as rule_rank
    from with_click_ids
    cross join entry_point_rules
    where
        {{ gtm_warehouse.regexp_matches_expression(
            "coalesce(lower(with_click_ids.landing_page_path), '')", "entry_point_rules.landing_path_pattern") }}

),

device_class_matches as (

    select
        with_click_ids.session_id,
        device_class_rules.device_class,
        row_number() over (
            partition by with_click_ids.session_id
            order by device_class_rules.priority, device_class_rules.device_class
        ) as rule_rank
    from with_click_ids
    cross join device_class_rules
    where
        {{ gtm_warehouse.regexp_matches_expression(
            "coalesce(lower(with_click_ids.user_agent), '')", "device_class_rules.user_agent_pattern") }}

),

final as (

    select
        with_click_ids.session_id,
        with_click_ids.anonymous_id,
        with_click_ids.user_id,
        with_click_ids.started_at,
        with_click_ids.ended_at,
        (
            {{ gtm_warehouse.epoch_microseconds('with_click_ids.ended_at') }}
            - {{ gtm_warehouse.epoch_microseconds('with_click_ids.started_at') }}
        ) / 1000000.0 as duration_seconds,
        with_click_ids.landing_page_url,
        with_click_ids.landing_page_path,
        with_click_ids.landing_page_title,
        with_click_ids.page_referrer,
        with_click_ids.referrer_host,
        with_click_ids.utm_source,
        with_click_ids.utm_medium,
        with_click_ids.utm_campaign,
        with_click_ids.utm_term,
        with_click_ids.utm_content,
        with_click_ids.gclid,
        with_click_ids.fbclid,
        with_click_ids.li_fat_id,
        with_click_ids.msclkid,
        with_click_ids.user_agent,
        coalesce(device_class_matches.device_class, 'unknown') as device_class,
        coalesce(channel_matches.channel, 'Other') as channel,
        coalesce(entry_point_matches.entry_point, 'Other') as entry_point,
        with_click_ids.page_count,
        with_click_ids.track_count,
        with_click_ids.event_count,
        with_click_ids.last_loaded_at
    from with_click_ids
    left join channel_matches
        on
            with_click_ids.session_id = channel_matches.session_id
            and channel_matches.rule_rank = 1
    left join entry_point_matches
        on
            with_click_ids.session_id = entry_point_matches.session_id
            and entry_point_matches.rule_rank = 1
    left join device_class_matches
        on
            with_click_ids.session_id = device_class_matches.session_id
            and device_class_matches.rule_rank = 1

)

select * from final
