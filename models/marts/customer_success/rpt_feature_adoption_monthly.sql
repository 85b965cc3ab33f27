{#- Adoption over time: one row per feature and calendar month from its launch month (or the first month
    with data, if launched earlier) to the month of the reference time. Among product accounts active that
    month (an event in the month): how many had adopted the feature by the end of the month, and the rate;
    new adopters that month and cumulative adopters (all product accounts). -#}
{{ config(enabled=var('using_product_db')) }}

with

features as (

    select
        feature_name,
        launched_at
    from {{ ref('stg_product__feature_launches') }}

),

accounts as (

    select account_id
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
        first_used_at
    from {{ ref('int_feature_adoptions_identified') }}
    where account_id is not null

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

active_account_months as (

    select distinct
        events.account_id,
        {{ dbt.date_trunc('month', 'events.event_at') }} as month_start
    from events
    inner join accounts on events.account_id = accounts.account_id
    cross join reference_time
    where events.event_at <= reference_time.as_of_at

),

months as (

    select distinct month_start
    from active_account_months

),

feature_months as (

    select
        features.feature_name,
        months.month_start,
        {{ gtm_warehouse.timestamp_add('month', 1, 'months.month_start') }} as next_month_start
    from features
    inner join months on {{ dbt.date_trunc('month', 'features.launched_at') }} <= months.month_start

),

product_adoptions as (

    select
        adoptions.account_id,
        adoptions.feature_name,
        adoptions.first_used_at
    from adoptions
    inner join accounts on adoptions.account_id = accounts.account_id

),

active_counts as (

    select
        feature_months.feature_name,
        feature_months.month_start,
        count(*) as active_accounts,
        sum(
            case when product_adoptions.first_used_at < feature_months.next_month_start then 1 else 0 end
        ) as active_adopters
    from feature_months
    inner join active_account_months on feature_months.month_start = active_account_months.month_start
    left join product_adoptions
        on
            feature_months.feature_name = product_adoptions.feature_name
            and active_account_months.account_id = product_adoptions.account_id
    group by feature_months.feature_name, feature_months.month_start

),

adopter_counts as (

    select
        feature_months.feature_name,
        feature_months.month_start,
        sum(
            case when product_adoptions.first_used_at >= feature_months.month_start then 1 else 0 end
        ) as new_adopters,
        count(product_adoptions.account_id) as cumulative_adopters
    from feature_months
    inner join product_adoptions
        on
            feature_months.feature_name = product_adoptions.feature_name
            and feature_months.next_month_start > product_adoptions.first_used_at
    group by feature_months.feature_name, feature_months.month_start

),

final as (

    select
        {{ dbt.concat([
            'feature_months.feature_name', "'|'",
            "cast(" ~ dbt.date_trunc('day', 'feature_months.month_start') ~ " as " ~ dbt.type_string() ~ ")",
        ]) }} as feature_month_id,
        feature_months.feature_name,
        feature_months.month_start,
        coalesce(active_counts.active_accounts, 0) as active_accounts,
        coalesce(active_counts.active_adopters, 0) as active_adopters,
        {{ gtm_warehouse.percentage('active_counts.active_adopters', 'active_counts.active_accounts') }}
            as adoption_rate_pct,
        coalesce(adopter_counts.new_adopters, 0) as new_adopters,
        coalesce(adopter_counts.cumulative_adopters, 0) as cumulative_adopters
    from feature_months
    left join active_counts
        on
            feature_months.feature_name = active_counts.feature_name
            and feature_months.month_start = active_counts.month_start
    left join adopter_counts
        on
            feature_months.feature_name = adopter_counts.feature_name
            and feature_months.month_start = adopter_counts.month_start

)

select * from final
