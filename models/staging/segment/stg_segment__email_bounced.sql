with

base as (

    select * from {{ ref('base_segment__email_bounced') }}

),

staged as (

    select
        message_id,
        anonymous_id,
        user_id,
        email_id,
        campaign_id,
        campaign_name,
        email_subject,
        email_address,
        bounce_type,
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
