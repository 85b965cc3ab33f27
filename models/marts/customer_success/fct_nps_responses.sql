{#- One row per NPS survey response as it arrives: score, category (seed nps_score_categories: 0-6
    detractor, 7-8 passive, 9-10 promoter; a score matching no category is 'out_of_range' and counts in no
    NPS; staging already quarantines scores outside 0-10), respondent and account (int_nps_responses_matched:
    unknown respondents are kept with respondent_match 'unknown'), the plan tier when the response was
    submitted ('no_subscription' for an account without a plan then, 'unknown_account' without an account)
    and whether the respondent had been selected in the wave's audience. -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

with

responses as (

    select
        response_id,
        survey_id,
        wave_id,
        person_id,
        respondent_match,
        account_id,
        email,
        score,
        comment,
        submitted_at
    from {{ ref('int_nps_responses_matched') }}

),

categories as (

    select
        nps_category,
        min_score,
        max_score,
        nps_weight
    from {{ ref('nps_score_categories') }}

),

plan_periods as (

    select
        account_id,
        plan_tier,
        valid_from,
        valid_to
    from {{ ref('dim_account_plan_periods') }}

),

audience as (

    select
        wave_id,
        person_id
    from {{ ref('fct_nps_audience_history') }}

),

plans_at_response as (

    select
        responses.response_id,
        max(plan_periods.plan_tier) as plan_tier
    from responses
    inner join plan_periods
        on
            responses.account_id = plan_periods.account_id
            and responses.submitted_at >= plan_periods.valid_from
            and (plan_periods.valid_to is null or responses.submitted_at < plan_periods.valid_to)
    group by responses.response_id

),

final as (

    select
        responses.response_id,
        responses.survey_id,
        responses.wave_id,
        responses.person_id,
        responses.respondent_match,
        responses.account_id,
        responses.email,
        responses.score,
        categories.nps_weight,
        responses.comment,
        responses.submitted_at,
        coalesce(categories.nps_category, 'out_of_range') as nps_category,
        case
            when responses.account_id is null then 'unknown_account'
            else coalesce(plans_at_response.plan_tier, 'no_subscription')
        end as plan_tier,
        audience.person_id is not null as was_selected_in_wave,
        {{ dbt.date_trunc('month', 'responses.submitted_at') }} as response_month
    from responses
    left join categories on responses.score between categories.min_score and categories.max_score
    left join plans_at_response on responses.response_id = plans_at_response.response_id
    left join audience on responses.wave_id = audience.wave_id and responses.person_id = audience.person_id

)

select * from final
