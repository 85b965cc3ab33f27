with

base as (

    select * from {{ ref('base_crm__opportunities') }}

),

staged as (

    select
        opportunity_id,
        account_id,
        contact_id,
        campaign_id,
        opportunity_name,
        opportunity_type,
        stage_name,
        plan_tier,
        lead_source,
        amount,
        probability,
        is_closed,
        is_won,
        is_deleted,
        close_date,
        created_at,
        modified_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
