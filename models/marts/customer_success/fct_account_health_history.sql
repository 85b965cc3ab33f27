{#- Daily health history: one row per account and day on which its health score, band or any component
    value changed (the first day of an account always counts), with the change against the score
    var gtm__health_change_days days earlier. Read the score on any day as the newest row on or before it. -#}
{{ config(enabled=var('using_product_db')) }}
{%- set components = ['sources_set_up', 'tracking_implemented', 'acting_on_data', 'bi_investment',
                      'acting_on_intent', 'support_load', 'nps'] -%}
{%- set change_days = var('gtm__health_change_days') -%}

with

health_days as (

    select
        account_id,
        health_date,
        {%- for component in components %}
            {{ component }},
        {%- endfor %}
        health_score,
        health_band
    from {{ ref('int_account_health_days_scored') }}

),

compared as (

    select
        account_id,
        health_date,
        {%- for component in components %}
            {{ component }},
        {%- endfor %}
        {%- for component in components %}
            lag({{ component }}) over account_days as previous_{{ component }},
        {%- endfor %}
        health_score,
        health_band,
        -- the grid has one row per day: N rows back is N days back
        lag(health_score, {{ change_days }}) over account_days as health_score_before,
        lag(health_score) over account_days as previous_health_score,
        lag(health_band) over account_days as previous_health_band
    from health_days
    window account_days as (partition by account_id order by health_date)

),

final as (

    select
        {{ dbt.concat(["account_id", "'-'", "cast(health_date as " ~ dbt.type_string() ~ ")"]) }}
            as account_health_day_id,
        account_id,
        health_date,
        {%- for component in components %}
            {{ component }},
        {%- endfor %}
        health_score,
        health_band,
        health_score_before as health_score_days_ago,
        health_score - health_score_before as health_score_change
    from compared
    where
        previous_health_score is null
        or health_score <> previous_health_score
        or health_band <> previous_health_band
        {%- for component in components %}
            -- values are never negative: -1 stands for missing
            or coalesce({{ component }}, -1) <> coalesce(previous_{{ component }}, -1)
        {%- endfor %}

)

select * from final
