with

base as (

    select * from {{ ref('base_product__workspace_users') }}

),

staged as (

    select
        workspace_user_id,
        workspace_id,
        user_id,
        workspace_role,
        is_removed,
        created_at,
        removed_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
