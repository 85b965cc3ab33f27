{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}
-- Customer success / product: NPS by month of response, and over a rolling three months (small monthly
-- samples swing). NPS = % promoters - % detractors, from every in-range response.
with

responses as (

    select
        response_month,
        nps_category
    from {{ ref('fct_nps_responses') }}
    where nps_category in ('promoter', 'passive', 'detractor')

),

monthly as (

    select
        response_month,
        count(*) as responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors
    from responses
    group by response_month

),

rolling as (

    select
        response_month,
        responses,
        promoters,
        detractors,
        sum(responses) over (order by response_month rows between 2 preceding and current row) as responses_3m,
        sum(promoters) over (order by response_month rows between 2 preceding and current row) as promoters_3m,
        sum(detractors) over (order by response_month rows between 2 preceding and current row) as detractors_3m
    from monthly

)

select
    response_month,
    responses,
    promoters,
    detractors,
    responses_3m,
    100.0 * (promoters - detractors) / responses as nps,
    100.0 * (promoters_3m - detractors_3m) / responses_3m as nps_rolling_3m
from rolling
order by response_month
