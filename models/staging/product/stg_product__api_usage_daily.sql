with

base as (

    select * from {{ ref('base_product__api_usage_daily') }}

),

staged as (

    select
        _dq_key as api_usage_id,
        workspace_id,
        api_calls,
        track_calls,
        page_calls,
        identify_calls,
        group_calls,
        active_sources,
        usage_date,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
