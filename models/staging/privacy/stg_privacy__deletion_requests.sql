with

base as (

    select * from {{ ref('base_privacy__deletion_requests') }}

),

staged as (

    select
        deletion_request_id,
        user_id,
        anonymous_id,
        email,
        email_domain,
        request_status,
        is_email_invalid,
        requested_at,
        completed_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
