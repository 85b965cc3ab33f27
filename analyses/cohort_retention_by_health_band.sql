{{ config(enabled=var('using_product_db')) }}
-- Customer success: do healthy accounts stay? Accounts by sign-up cohort month and current health band,
-- and the share of them active (a customer event) in each month since the cohort month.
with

accounts as (

    select
        account_id,
        cohort_month,
        health_band
    from {{ ref('dim_account_health_current') }}
    where cohort_month is not null

),

events as (

    select
        account_id,
        event_at
    from {{ ref('fct_events') }}
    where not is_internal and account_id is not null

),

cohort_sizes as (

    select
        cohort_month,
        health_band,
        count(*) as cohort_accounts
    from accounts
    group by cohort_month, health_band

),

active_months as (

    select distinct
        accounts.account_id,
        accounts.cohort_month,
        accounts.health_band,
        cast({{ dbt.date_trunc('month', 'events.event_at') }} as date) as activity_month
    from accounts
    inner join events on accounts.account_id = events.account_id

),

months_active as (

    select
        account_id,
        cohort_month,
        health_band,
        (extract(year from activity_month) - extract(year from cohort_month)) * 12
        + extract(month from activity_month) - extract(month from cohort_month) as months_since_cohort
    from active_months
    where activity_month >= cohort_month

),

retention as (

    select
        cohort_month,
        health_band,
        months_since_cohort,
        count(*) as active_accounts
    from months_active
    group by cohort_month, health_band, months_since_cohort

)

select
    retention.cohort_month,
    retention.health_band,
    retention.months_since_cohort,
    cohort_sizes.cohort_accounts,
    retention.active_accounts,
    1.0 * retention.active_accounts / cohort_sizes.cohort_accounts as retention_rate
from retention
inner join cohort_sizes
    on
        retention.cohort_month = cohort_sizes.cohort_month
        and retention.health_band = cohort_sizes.health_band
order by retention.cohort_month, retention.health_band, retention.months_since_cohort
