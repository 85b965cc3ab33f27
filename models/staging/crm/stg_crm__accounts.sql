with

base as (

    select * from {{ ref('base_crm__accounts') }}

),

staged as (

    select
        account_id,
        owner_id,
        workspace_id,
        account_name,
        website,
        industry,
        billing_country,
        account_type,
        number_of_employees,
        annual_revenue,
        is_deleted,
        created_at,
        modified_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
