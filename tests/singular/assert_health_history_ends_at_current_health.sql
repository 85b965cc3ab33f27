{#- The health history keeps only days with a change: its newest row per account must carry the account's
    current score and band (dim_account_health_current), and every current account must have a history. -#}
{{ config(enabled=var('using_product_db')) }}

with

history as (

    select
        account_id,
        health_date,
        health_score,
        health_band,
        row_number() over (partition by account_id order by health_date desc) as recency
    from {{ ref('fct_account_health_history') }}

),

latest as (

    select
        account_id,
        health_score,
        health_band
    from history
    where recency = 1

),

current_health as (

    select
        account_id,
        health_score,
        health_band
    from {{ ref('dim_account_health_current') }}

)

select
    current_health.account_id,
    current_health.health_score as current_score,
    latest.health_score as history_score
from current_health
left join latest on current_health.account_id = latest.account_id
where
    latest.account_id is null
    or latest.health_score <> current_health.health_score
    or latest.health_band <> current_health.health_band
