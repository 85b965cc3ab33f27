{#- One row per web event with its session (three window passes over one sort order: gap flags and
    campaign keys seen before; visit numbers; session numbers and positions). A new session starts when the gap to the device's previous
    event is MORE than var gtm__session_timeout_minutes (exact, in epoch microseconds) or when the event
    carries a campaign key (UTM source/medium/campaign or a click id) different from the last one seen
    earlier in the same gap-delimited visit. Events are ordered by event_at, then message_id, so arrival
    order never matters. Incremental: every session of each anonymous_id with an event loaded within
    var gtm__lookback_hours of the newest row built is recomputed from all of that device's events
    (delete+insert on anonymous_id), so the result equals a full refresh. -#}
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

{%- set timeout_microseconds = var('gtm__session_timeout_minutes') * 60 * 1000000 -%}
{%- set event_order = 'event_at, message_id' -%}

with

int_web_events_unioned as (

    select * from {{ ref('int_web_events_unioned') }}

),

scoped as (

    select *
    from int_web_events_unioned{{ gtm_warehouse.sessions_scope(
        'int_web_events_unioned', relation=ref('int_web_events_unioned')
    ) }}

),

-- the session rules need only a few narrow columns: every window below sorts these, not the wide event
keyed as (

    select
        message_id,
        anonymous_id,
        event_at,
        case
            when coalesce(utm_source, utm_medium, utm_campaign, gclid, fbclid, li_fat_id, msclkid) is not null
                then {{ dbt.concat([
                    "coalesce(utm_source, '')", "'|'", "coalesce(utm_medium, '')", "'|'",
                    "coalesce(utm_campaign, '')", "'|'", "coalesce(gclid, '')", "'|'",
                    "coalesce(fbclid, '')", "'|'", "coalesce(li_fat_id, '')", "'|'", "coalesce(msclkid, '')",
                ]) }}
        end as campaign_key,
        {{ gtm_warehouse.epoch_microseconds('event_at') }} as event_at_microseconds
    from scoped

),

-- Three window passes, all over the same order (anonymous_id; event_at, message_id) and narrow rows.
-- Pass 1: the gap to the previous event, the event's position, and the last campaign key seen before it.
device_ordered as (

    select
        *,
        lag(event_at_microseconds) over (
            partition by anonymous_id order by {{ event_order }}
        ) as previous_event_at_microseconds,
        row_number() over (
            partition by anonymous_id order by {{ event_order }}
        ) as device_event_number,
        {{ gtm_warehouse.last_value_ignore_nulls('campaign_key') }} over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and 1 preceding
        ) as previous_device_campaign_key,
        count(campaign_key) over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and 1 preceding
        ) as campaign_keys_before
    from keyed

),

visit_starts as (

    select
        *,
        coalesce(
            previous_event_at_microseconds is null
            or event_at_microseconds - previous_event_at_microseconds > {{ timeout_microseconds }},
            false
        ) as is_visit_start
    from device_ordered

),

-- Pass 2: the visit number, and how many campaign keys the device had before its visit began: the last
-- campaign key before the event belongs to the same visit when more campaign keys came before the event.
visits as (

    select
        *,
        sum(case when is_visit_start then 1 else 0 end) over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and current row
        ) as visit_number,
        {{ gtm_warehouse.last_value_ignore_nulls('case when is_visit_start then campaign_keys_before end') }} over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and current row
        ) as campaign_keys_before_visit
    from visit_starts

),

campaign_context as (

    select
        *,
        case
            when campaign_keys_before > campaign_keys_before_visit then previous_device_campaign_key
        end as previous_campaign_key
    from visits

),

session_starts as (

    select
        *,
        coalesce(
            is_visit_start
            or (
                campaign_key is not null
                and (previous_campaign_key is null or campaign_key != previous_campaign_key)
            ),
            false
        ) as is_session_start
    from campaign_context

),

-- Pass 3: the session number, its first event and the event's position in it.
session_numbers as (

    select
        *,
        sum(case when is_session_start then 1 else 0 end) over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and current row
        ) as device_session_number,
        {{ gtm_warehouse.last_value_ignore_nulls('case when is_session_start then message_id end') }} over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and current row
        ) as session_first_message_id,
        {{ gtm_warehouse.last_value_ignore_nulls('case when is_session_start then device_event_number end') }} over (
            partition by anonymous_id order by {{ event_order }}
            rows between unbounded preceding and current row
        ) as session_first_event_number
    from session_starts

),

-- the wide columns, read from the relation again and joined back by message_id: reading `scoped` twice
-- would make DuckDB materialize every wide row of it (30M events: 362 s of a spilling build, DECISIONS.md)
wide_source as (

    select * from {{ ref('int_web_events_unioned') }}

),

wide_events as (

    select *
    from wide_source{{ gtm_warehouse.sessions_scope('wide_source', relation=ref('int_web_events_unioned')) }}

),

session_firsts as (

    select
        message_id,
        anonymous_id,
        device_session_number,
        is_session_start,
        campaign_key,
        session_first_message_id,
        device_event_number - session_first_event_number + 1 as session_event_number
    from session_numbers

),

final as (

    select
        wide_events.message_id,
        {{ dbt.hash(dbt.concat(['wide_events.anonymous_id', "'|'", 'session_firsts.session_first_message_id'])) }}
            as session_id,
        wide_events.anonymous_id,
        wide_events.user_id,
        wide_events.event_type,
        wide_events.event_name,
        session_firsts.device_session_number,
        session_firsts.session_event_number,
        session_firsts.is_session_start,
        session_firsts.campaign_key,
        wide_events.page_url,
        wide_events.page_path,
        wide_events.page_title,
        wide_events.page_referrer,
        wide_events.referrer_host,
        wide_events.utm_source,
        wide_events.utm_medium,
        wide_events.utm_campaign,
        wide_events.utm_term,
        wide_events.utm_content,
        wide_events.gclid,
        wide_events.fbclid,
        wide_events.li_fat_id,
        wide_events.msclkid,
        wide_events.user_agent,
        wide_events.library_name,
        wide_events.event_at,
        wide_events.received_at,
        wide_events.loaded_at
    from wide_events
    inner join session_firsts on wide_events.message_id = session_firsts.message_id

)

select * from final
