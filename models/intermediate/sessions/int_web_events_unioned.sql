{#- One row per web event (page or track with an anonymous_id), in one shape. A view: the staged
    tables are read once by the incremental sessionization, which filters by anonymous_id. -#}

with

stg_segment__pages as (

    select * from {{ ref('stg_segment__pages') }}

),

stg_segment__tracks as (

    select * from {{ ref('stg_segment__tracks') }}

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
    where anonymous_id is not null

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
    where anonymous_id is not null

),

unioned as (

    select * from page_events
    union all
    select * from track_events

)

select * from unioned
