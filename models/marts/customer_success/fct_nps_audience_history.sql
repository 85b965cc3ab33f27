{#- Membership history of the NPS survey audience (audience_key `nps_survey`): one row per wave and
    selected person of fct_nps_wave_eligibility; a member enters at the wave start and leaves at the start
    of the next wave (NULL for the latest wave: the current audience). -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

with

eligibility as (

    select
        wave_id,
        wave_start,
        person_id,
        account_id,
        email,
        is_selected
    from {{ ref('fct_nps_wave_eligibility') }}

),

waves as (

    select distinct
        wave_id,
        wave_start
    from eligibility

),

wave_ends as (

    select
        wave_id,
        wave_start,
        lead(wave_start) over (order by wave_start) as next_wave_start
    from waves

),

final as (

    select
        {{ dbt.hash(dbt.concat(["'nps_survey|'", 'eligibility.wave_id', "'|'", 'eligibility.person_id'])) }}
            as membership_id,
        'nps_survey' as audience_key,
        eligibility.person_id,
        eligibility.wave_start as entered_at,
        wave_ends.next_wave_start as exited_at,
        eligibility.wave_id,
        eligibility.account_id,
        eligibility.email
    from eligibility
    inner join wave_ends on eligibility.wave_id = wave_ends.wave_id
    where eligibility.is_selected

)

select * from final
