{#- One row per account and subscription period: which plan tier was active when.
    The tier at a timestamp `ts`: `valid_from <= ts and (valid_to is null or ts < valid_to)`. -#}
{{ config(enabled=var('using_product_db')) }}

with

subscriptions as (

    select
        subscription_id,
        workspace_id,
        plan_tier,
        subscription_status,
        mrr_amount,
        currency,
        started_at,
        ended_at
    from {{ ref('stg_product__subscriptions') }}

),

accounts as (

    select
        account_id,
        workspace_id
    from {{ ref('int_accounts_unified') }}
    where workspace_id is not null

),

plan_tiers as (

    select
        plan_tier,
        tier_rank,
        is_paid
    from {{ ref('plan_tiers') }}

),

final as (

    select
        subscriptions.subscription_id,
        accounts.account_id,
        subscriptions.workspace_id,
        subscriptions.plan_tier,
        plan_tiers.tier_rank,
        subscriptions.subscription_status,
        subscriptions.mrr_amount,
        subscriptions.currency,
        subscriptions.started_at as valid_from,
        subscriptions.ended_at as valid_to,
        coalesce(plan_tiers.is_paid, false) as is_paid,
        subscriptions.ended_at is null as is_current
    from subscriptions
    inner join accounts on subscriptions.workspace_id = accounts.workspace_id
    left join plan_tiers on subscriptions.plan_tier = plan_tiers.plan_tier

)

select * from final
