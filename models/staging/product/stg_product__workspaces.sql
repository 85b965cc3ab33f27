with

base as (

    select * from {{ ref('base_product__workspaces') }}

),

staged as (

    select
        workspace_id,
        owner_user_id,
        workspace_name,
        workspace_slug,
        is_deleted,
        created_at,
        updated_at,
        deleted_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
