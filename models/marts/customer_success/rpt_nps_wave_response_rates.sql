{#- Response rate per NPS wave: one row per wave of fct_nps_wave_eligibility. People selected, how many
    of them answered within the wave (a response whose wave_id is the wave), the rate, plus the wave's
    responses from people who were not selected (answered a link shared otherwise, or unknown). -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

with

eligibility as (

    select
        wave_id,
        wave_start,
        person_id,
        is_eligible,
        is_selected
    from {{ ref('fct_nps_wave_eligibility') }}

),

responses as (

    select
        response_id,
        wave_id,
        person_id,
        was_selected_in_wave
    from {{ ref('fct_nps_responses') }}

),

respondents as (

    select distinct
        wave_id,
        person_id
    from responses
    where was_selected_in_wave

),

selected as (

    select
        eligibility.wave_id,
        min(eligibility.wave_start) as wave_start,
        count(*) as candidates,
        sum(case when eligibility.is_eligible then 1 else 0 end) as eligible_people,
        sum(case when eligibility.is_selected then 1 else 0 end) as selected_people,
        sum(case when eligibility.is_selected and respondents.person_id is not null then 1 else 0 end)
            as selected_respondents
    from eligibility
    left join respondents
        on eligibility.wave_id = respondents.wave_id and eligibility.person_id = respondents.person_id
    group by eligibility.wave_id

),

wave_responses as (

    select
        wave_id,
        count(*) as responses,
        sum(case when was_selected_in_wave then 0 else 1 end) as responses_from_unselected
    from responses
    group by wave_id

),

final as (

    select
        selected.wave_id,
        selected.wave_start,
        selected.candidates,
        selected.eligible_people,
        selected.selected_people,
        selected.selected_respondents,
        {{ gtm_warehouse.percentage('selected.selected_respondents', 'selected.selected_people') }}
            as response_rate_pct,
        coalesce(wave_responses.responses, 0) as responses,
        coalesce(wave_responses.responses_from_unselected, 0) as responses_from_unselected
    from selected
    left join wave_responses on selected.wave_id = wave_responses.wave_id

)

select * from final
