{#- One row per web event (page or track with an anonymous_id), in one shape. A view: the staged
    tables are read once by the incremental sessionization, which filters by anonymous_id.
    Events of people who asked to be forgotten (int_erased_identifiers) are left out here, the door of
    every web-event model, so that neither a lookback nor a late load brings them back. -#}

with

stg_segment__pages as (

    select * from {{ ref('stg_segment__pages') }}

),

stg_segment__tracks as (

    select * from {{ ref('stg_segment__tracks') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier_hash
    from {{ ref('int_erased_identifiers') }}

),

page_events as (

    select
        message_id,
        'page' as event_type,
        page_name as event_name,
        anonymous_id,
        user_id,
        page_url,
        page_path,
        page_title,
        page_referrer,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        gclid,
        fbclid,
        li_fat_id,
        msclkid,
        user_agent,
        library_name,
        event_at,
        received_at,
        loaded_at
    from stg_segment__pages
    where
        anonymous_id is not null
        and {{ gtm_warehouse.not_erased(
            [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']], 'erased_identifiers'
        ) }}

),

track_events as (

    select
        message_id,
        'track' as event_type,
        event as event_name,
        anonymous_id,
        user_id,
        page_url,
        page_path,
        page_title,
        page_referrer,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        gclid,
        fbclid,
        li_fat_id,
        msclkid,
        user_agent,
        library_name,
        event_at,
        received_at,
        loaded_at
    from stg_segment__tracks
    where
        anonymous_id is not null
        and {{ gtm_warehouse.not_erased(
            [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']], 'erased_identifiers'
        ) }}

),

unioned as (

    select * from page_events
    union all
    select * from track_events

)

select * from unioned
