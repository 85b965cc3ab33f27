with

base as (

    select * from {{ ref('base_support__organizations') }}

),

staged as (

    select
        organization_id,
        workspace_id,
        organization_name,
        domain_names,
        created_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
