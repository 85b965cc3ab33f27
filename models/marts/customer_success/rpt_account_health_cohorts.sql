{#- One row per signup cohort (month the account's workspace was created): accounts, their current
    health by band, and time to initial value (how many reached it, average days from signup).
    Averages do not depend on the order of the rows (engine, incremental or full build): the scores are
    summed exactly (macro exact_sum, at 1e-9, far below the score's meaning), the days as integers. -#}
{{ config(enabled=var('using_product_db')) }}

with

current_health as (

    select
        account_id,
        cohort_month,
        health_score,
        health_band,
        days_to_initial_value
    from {{ ref('dim_account_health_current') }}

),

final as (

    select
        cohort_month,
        count(*) as cohort_accounts,
        cast(sum(case when health_band = 'green' then 1 else 0 end) as {{ dbt.type_bigint() }}) as green_accounts,
        cast(sum(case when health_band = 'yellow' then 1 else 0 end) as {{ dbt.type_bigint() }}) as yellow_accounts,
        cast(sum(case when health_band = 'red' then 1 else 0 end) as {{ dbt.type_bigint() }}) as red_accounts,
        {{ gtm_warehouse.exact_sum('health_score', 9) }} / count(*) as avg_health_score,
        count(days_to_initial_value) as accounts_reached_initial_value,
        cast(count(days_to_initial_value) as double) / count(*) as share_reached_initial_value,
        cast(sum(days_to_initial_value) as double) / count(days_to_initial_value) as avg_days_to_initial_value,
        min(days_to_initial_value) as min_days_to_initial_value,
        max(days_to_initial_value) as max_days_to_initial_value
    from current_health
    group by cohort_month

)

select * from final
