{#- One row per account with a workspace: its health on the newest day of product data (components,
    score, band, change against var gtm__health_change_days days earlier), its cohort (signup month) and
    its time to initial value: the first day on which every component with counts_for_initial_value
    (health_components seed) had been reached (score 1) at least once. -#}
{{ config(enabled=var('using_product_db')) }}
{%- set components = ['sources_set_up', 'tracking_implemented', 'acting_on_data', 'bi_investment',
                      'acting_on_intent', 'support_load', 'nps'] -%}
{%- set change_days = var('gtm__health_change_days') -%}

with

health_days as (

    select
        account_id,
        workspace_id,
        health_date,
        {%- for component in components %}
            {{ component }},
            {{ component }}_score,
        {%- endfor %}
        health_score,
        health_band
    from {{ ref('int_account_health_days_scored') }}

),

accounts as (

    select
        account_id,
        signed_up_at
    from {{ ref('dim_accounts') }}

),

health_components as (

    select
        component,
        counts_for_initial_value
    from {{ ref('health_components') }}

),

initial_value_flags as (

    select
        {%- for component in components %}
            max(case when component = '{{ component }}' and counts_for_initial_value then 1 else 0 end)
                as {{ component }}_counts,
        {%- endfor %}
        count(*) as component_count
    from health_components

),

first_reached as (

    select
        account_id,
        {%- for component in components %}
            min(case when {{ component }}_score >= 1 then health_date end) as {{ component }}_reached_on,
        {%- endfor %}
        max(health_date) as health_date
    from health_days
    group by account_id

),

initial_value as (

    select
        first_reached.account_id,
        first_reached.health_date,
        case
            when
            {%- for component in components %}
                    (
                        initial_value_flags.{{ component }}_counts = 0
                        or first_reached.{{ component }}_reached_on is not null
                    )
                    {{- " and" if not loop.last }}
            {%- endfor %}
                then greatest(
                        {%- for component in components %}
                            case
                                when
                                    initial_value_flags.{{ component }}_counts = 1
                                    then first_reached.{{ component }}_reached_on
                            end
                            {{- "," if not loop.last }}
                        {%- endfor %}
                    )
        end as initial_value_reached_on
    from first_reached
    cross join initial_value_flags

),

score_before as (

    select
        health_days.account_id,
        health_days.health_score
    from health_days
    inner join initial_value
        on
            health_days.account_id = initial_value.account_id
            and health_days.health_date = {{ dbt.dateadd('day', -change_days, 'initial_value.health_date') }}

),

final as (

    select
        health_days.account_id,
        health_days.workspace_id,
        health_days.health_date,
        {%- for component in components %}
            health_days.{{ component }},
        {%- endfor %}
        health_days.health_score,
        health_days.health_band,
        score_before.health_score as health_score_days_ago,
        health_days.health_score - score_before.health_score as health_score_change,
        accounts.signed_up_at,
        cast({{ dbt.date_trunc('month', 'accounts.signed_up_at') }} as date) as cohort_month,
        initial_value.initial_value_reached_on,
        {{ dbt.datediff('cast(accounts.signed_up_at as date)', 'initial_value.initial_value_reached_on', 'day') }}
            as days_to_initial_value
    from health_days
    inner join initial_value
        on health_days.account_id = initial_value.account_id and health_days.health_date = initial_value.health_date
    inner join accounts on health_days.account_id = accounts.account_id
    left join score_before on health_days.account_id = score_before.account_id

)

select * from final
