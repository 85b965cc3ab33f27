with

base as (

    select * from {{ ref('base_product__destinations') }}

),

staged as (

    select
        destination_id,
        workspace_id,
        destination_name,
        destination_category,
        is_enabled,
        is_deleted,
        created_at,
        deleted_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
