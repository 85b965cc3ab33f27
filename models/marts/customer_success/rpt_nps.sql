{#- NPS = % promoters - % detractors, by month of response and three cuts: one row per month and
    dimension value, dimension `overall` (all responses), `plan_tier` (tier when the response was
    submitted; no_subscription / unknown_account included as their own values) and `account`
    (unknown_account for responses tied to no account). Out-of-range responses are counted apart and in
    no NPS. -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

with

responses as (

    select
        response_id,
        response_month,
        account_id,
        plan_tier,
        nps_category
    from {{ ref('fct_nps_responses') }}

),

sliced as (

    select
        response_month,
        'overall' as dimension,
        'all' as dimension_value,
        nps_category
    from responses

    union all

    select
        response_month,
        'plan_tier' as dimension,
        plan_tier as dimension_value,
        nps_category
    from responses

    union all

    select
        response_month,
        'account' as dimension,
        coalesce(account_id, 'unknown_account') as dimension_value,
        nps_category
    from responses

),

counted as (

    select
        response_month,
        dimension,
        dimension_value,
        sum(case when nps_category != 'out_of_range' then 1 else 0 end) as responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors,
        sum(case when nps_category = 'out_of_range' then 1 else 0 end) as out_of_range_responses
    from sliced
    group by response_month, dimension, dimension_value

),

final as (

    select
        {{ dbt.concat([
            "cast(" ~ dbt.date_trunc('day', 'response_month') ~ " as " ~ dbt.type_string() ~ ")",
            "'|'", 'dimension', "'|'", 'dimension_value',
        ]) }} as nps_slice_id,
        response_month,
        dimension,
        dimension_value,
        responses,
        promoters,
        passives,
        detractors,
        out_of_range_responses,
        {{ gtm_warehouse.percentage('promoters - detractors', 'responses') }} as nps
    from counted

)

select * from final
