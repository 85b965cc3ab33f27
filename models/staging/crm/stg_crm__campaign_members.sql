with

base as (

    select * from {{ ref('base_crm__campaign_members') }}

),

staged as (

    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        member_status,
        has_responded,
        is_deleted,
        first_responded_date,
        created_at,
        modified_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
