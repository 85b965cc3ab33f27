with

base as (

    select * from {{ ref('base_product__sources') }}

),

staged as (

    select
        source_id,
        workspace_id,
        source_type,
        source_name,
        is_deleted,
        created_at,
        first_event_at,
        last_event_at,
        deleted_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
