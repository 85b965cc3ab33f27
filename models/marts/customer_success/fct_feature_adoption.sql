{#- One row per feature (product.app_feature_launches) and active account (a product account with an
    event within gtm__cs_active_days before the reference time): adopter or not, first use, days from
    launch to first use, early adopter (first use within gtm__early_adopter_days of the launch; use before
    the launch, e.g. a beta, counts as early). -#}
{{ config(enabled=var('using_product_db')) }}

with

features as (

    select
        feature_name,
        launched_at,
        docs_url
    from {{ ref('stg_product__feature_launches') }}

),

accounts as (

    select
        account_id,
        account_name,
        current_plan_tier
    from {{ ref('dim_accounts') }}
    where workspace_id is not null

),

events as (

    select
        account_id,
        event_at
    from {{ ref('fct_events') }}
    where account_id is not null

),

adoptions as (

    select
        account_id,
        feature_name,
        first_used_at,
        last_used_at,
        use_count
    from {{ ref('int_feature_adoptions_identified') }}
    where account_id is not null

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

active_accounts as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.current_plan_tier,
        max(events.event_at) as last_event_at
    from accounts
    inner join events on accounts.account_id = events.account_id
    cross join reference_time
    where
        events.event_at <= reference_time.as_of_at
        and events.event_at
        > {{ gtm_warehouse.timestamp_add('day', -1 * var('gtm__cs_active_days'), 'reference_time.as_of_at') }}
    group by accounts.account_id, accounts.account_name, accounts.current_plan_tier

),

final as (

    select
        {{ dbt.concat(['features.feature_name', "'|'", 'active_accounts.account_id']) }} as feature_account_id,
        features.feature_name,
        active_accounts.account_id,
        active_accounts.account_name,
        active_accounts.current_plan_tier,
        features.launched_at,
        features.docs_url,
        active_accounts.last_event_at,
        adoptions.first_used_at,
        adoptions.last_used_at,
        coalesce(adoptions.use_count, 0) as use_count,
        adoptions.first_used_at is not null as is_adopter,
        {{ dbt.datediff('features.launched_at', 'adoptions.first_used_at', 'day') }}
            as days_from_launch_to_adoption,
        coalesce(
            adoptions.first_used_at
            < {{ gtm_warehouse.timestamp_add('day', var('gtm__early_adopter_days'), 'features.launched_at') }},
            false
        ) as is_early_adopter
    from features
    cross join active_accounts
    left join adoptions
        on features.feature_name = adoptions.feature_name and active_accounts.account_id = adoptions.account_id

)

select * from final
