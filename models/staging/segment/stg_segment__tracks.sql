with

base as (

    select * from {{ ref('base_segment__tracks') }}

),

staged as (

    select
        message_id,
        anonymous_id,
        user_id,
        event,
        event_text,
        ip,
        user_agent,
        library_name,
        library_version,
        page_url,
        page_path,
        page_referrer,
        page_title,
        page_search,
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
        event_at,
        is_event_at_derived,
        device_event_at,
        sent_at,
        received_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
