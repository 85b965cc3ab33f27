with

base as (

    select * from {{ ref('base_support__tickets') }}

),

staged as (

    select
        ticket_id,
        requester_id,
        submitter_id,
        assignee_id,
        organization_id,
        subject,
        description,
        ticket_status,
        priority,
        ticket_type,
        via_channel,
        created_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
