with

base as (

    select * from {{ ref('base_product__feature_launches') }}

),

staged as (

    select
        feature_launch_id,
        feature_name,
        docs_url,
        launched_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
