with

base as (

    select * from {{ ref('base_product__subscriptions') }}

),

staged as (

    select
        subscription_id,
        workspace_id,
        plan_tier,
        subscription_status,
        currency,
        mrr_amount,
        is_current,
        started_at,
        ended_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
