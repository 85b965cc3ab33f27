{#- One row per session: when, how long, what it contained, where it came from. Landing page = the
    session's first page event (else its first event); referrer, UTMs and click ids = the first event's;
    user_id = the first non-NULL one. device_class, channel and entry_point come from the rule seeds
    (lowest priority number that matches wins; a rule's empty pattern matches anything; a missing value
    is matched as ''). Incremental like int_web_events_sessionized: all sessions of each anonymous_id
    with an event loaded within var gtm__lookback_hours of the newest row built are recomputed. -#}
{#- Spark/parquet has no delete+insert: there the model is rebuilt in full each run (DECISIONS.md, Portability). -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    unique_key='anonymous_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ gtm_warehouse.erase_rows_hook([['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']]) }}",
) }}
{#- the erasure post-hook reads int_erased_identifiers -#}
{%- set erased_identifiers = ref('int_erased_identifiers') -%}


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
        'int_web_events_sessionized', this_loaded_at='last_loaded_at', relation=ref('int_web_events_sessionized')
    ) }}

),

{%- set first_event_columns = [
    'page_referrer', 'referrer_host', 'utm_source', 'utm_medium', 'utm_campaign',
    'utm_term', 'utm_content', 'gclid', 'fbclid', 'li_fat_id', 'msclkid',
] %}

aggregated as (

    -- one pass: the first event's fields by session_event_number (a total order within the session)
    select
        session_id,
        anonymous_id,
        {{ gtm_warehouse.first_by('user_id', 'session_event_number') }} as user_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        {{ gtm_warehouse.first_by('page_url', 'landing_order') }} as landing_page_url,
        {{ gtm_warehouse.first_by('page_path', 'landing_order') }} as landing_page_path,
        {{ gtm_warehouse.first_by('page_title', 'landing_order') }} as landing_page_title,
        {%- for column in first_event_columns %}
            max(case when session_event_number = 1 then {{ column }} end) as {{ column }},
        {%- endfor %}
        {{ gtm_warehouse.first_by('user_agent', 'session_event_number') }} as user_agent,
        sum(case when event_type = 'page' then 1 else 0 end) as page_count,
        sum(case when event_type = 'track' then 1 else 0 end) as track_count,
        count(*) as event_count,
        max(loaded_at) as last_loaded_at
    from (
        select
            *,
            -- landing page: the first page event, else the first event
            case when event_type = 'page' then 0 else 1000000000 end + session_event_number as landing_order
        from scoped
    ) as ordered
    group by session_id, anonymous_id

),

rule_inputs as (

    select
        *,
        coalesce(utm_medium, '') as utm_medium_value,
        coalesce(utm_source, '') as utm_source_value,
        coalesce(referrer_host, '') as referrer_host_value,
        {{ dbt.concat([
            "case when gclid is not null then 'gclid ' else '' end",
            "case when fbclid is not null then 'fbclid ' else '' end",
            "case when li_fat_id is not null then 'li_fat_id ' else '' end",
            "case when msclkid is not null then 'msclkid ' else '' end",
        ]) }} as click_ids_value,
        coalesce(lower(landing_page_path), '') as landing_path_value,
        coalesce(lower(user_agent), '') as user_agent_value
    from aggregated

),

channel_inputs as (

    -- Rules are evaluated once per distinct input (a few hundred), not per session: a regular
    -- expression whose pattern is a column is compiled for every row it is applied to.
    select distinct
        utm_medium_value,
        utm_source_value,
        referrer_host_value,
        click_ids_value
    from rule_inputs

),

channel_matches as (

    select
        channel_inputs.utm_medium_value,
        channel_inputs.utm_source_value,
        channel_inputs.referrer_host_value,
        channel_inputs.click_ids_value,
        channel_rules.channel,
        row_number() over (
            partition by
                channel_inputs.utm_medium_value,
                channel_inputs.utm_source_value,
                channel_inputs.referrer_host_value,
                channel_inputs.click_ids_value
            order by channel_rules.priority, channel_rules.channel
        ) as rule_rank
    from channel_inputs
    cross join channel_rules
    where
        (
            channel_rules.utm_medium_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "channel_inputs.utm_medium_value", "channel_rules.utm_medium_pattern"
            ) }}
        )
        and (
            channel_rules.utm_source_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "channel_inputs.utm_source_value", "channel_rules.utm_source_pattern"
            ) }}
        )
        and (
            channel_rules.referrer_host_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "channel_inputs.referrer_host_value", "channel_rules.referrer_host_pattern"
            ) }}
        )
        and (
            channel_rules.click_id_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                "channel_inputs.click_ids_value", "channel_rules.click_id_pattern"
            ) }}
        )

),

entry_point_inputs as (

    select distinct landing_path_value
    from rule_inputs

),

entry_point_matches as (

    select
        entry_point_inputs.landing_path_value,
        entry_point_rules.entry_point,
        row_number() over (
            partition by entry_point_inputs.landing_path_value
            order by entry_point_rules.priority, entry_point_rules.entry_point
        ) as rule_rank
    from entry_point_inputs
    cross join entry_point_rules
    where
        {{ gtm_warehouse.regexp_matches_expression(
            "entry_point_inputs.landing_path_value", "entry_point_rules.landing_path_pattern"
        ) }}

),

device_class_inputs as (

    select distinct user_agent_value
    from rule_inputs

),

device_class_matches as (

    select
        device_class_inputs.user_agent_value,
        device_class_rules.device_class,
        row_number() over (
            partition by device_class_inputs.user_agent_value
            order by device_class_rules.priority, device_class_rules.device_class
        ) as rule_rank
    from device_class_inputs
    cross join device_class_rules
    where
        {{ gtm_warehouse.regexp_matches_expression(
            "device_class_inputs.user_agent_value", "device_class_rules.user_agent_pattern"
        ) }}

),

final as (

    select
        rule_inputs.session_id,
        rule_inputs.anonymous_id,
        rule_inputs.user_id,
        rule_inputs.started_at,
        rule_inputs.ended_at,
        (
            {{ gtm_warehouse.epoch_microseconds('rule_inputs.ended_at') }}
            - {{ gtm_warehouse.epoch_microseconds('rule_inputs.started_at') }}
        ) / 1000000.0 as duration_seconds,
        rule_inputs.landing_page_url,
        rule_inputs.landing_page_path,
        rule_inputs.landing_page_title,
        rule_inputs.page_referrer,
        rule_inputs.referrer_host,
        rule_inputs.utm_source,
        rule_inputs.utm_medium,
        rule_inputs.utm_campaign,
        rule_inputs.utm_term,
        rule_inputs.utm_content,
        rule_inputs.gclid,
        rule_inputs.fbclid,
        rule_inputs.li_fat_id,
        rule_inputs.msclkid,
        rule_inputs.user_agent,
        coalesce(device_class_matches.device_class, 'unknown') as device_class,
        coalesce(channel_matches.channel, 'Other') as channel,
        coalesce(entry_point_matches.entry_point, 'Other') as entry_point,
        rule_inputs.page_count,
        rule_inputs.track_count,
        rule_inputs.event_count,
        rule_inputs.last_loaded_at
    from rule_inputs
    left join channel_matches
        on
            rule_inputs.utm_medium_value = channel_matches.utm_medium_value
            and rule_inputs.utm_source_value = channel_matches.utm_source_value
            and rule_inputs.referrer_host_value = channel_matches.referrer_host_value
            and rule_inputs.click_ids_value = channel_matches.click_ids_value
            and channel_matches.rule_rank = 1
    left join entry_point_matches
        on
            rule_inputs.landing_path_value = entry_point_matches.landing_path_value
            and entry_point_matches.rule_rank = 1
    left join device_class_matches
        on
            rule_inputs.user_agent_value = device_class_matches.user_agent_value
            and device_class_matches.rule_rank = 1

)

select * from final
