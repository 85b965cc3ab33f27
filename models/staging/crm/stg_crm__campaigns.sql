with

base as (

    select * from {{ ref('base_crm__campaigns') }}

),

staged as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_status,
        entry_point,
        utm_campaign,
        budgeted_cost,
        actual_cost,
        is_deleted,
        start_date,
        end_date,
        created_at,
        modified_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
