{{ config(enabled=var('using_crm', true)) }}
-- Marketing: the funnel by acquisition channel. Each customer person is counted once, under the channel of
-- their first session, then followed through sign-up, lead, MQL, opportunity and closed-won conversions.
with

sessions as (

    select
        session_id,
        person_id,
        channel,
        started_at
    from {{ ref('fct_sessions') }}
    where not is_internal

),

conversions as (

    select
        person_id,
        conversion_type
    from {{ ref('fct_conversions') }}
    where person_id is not null

),

first_sessions as (

    select
        person_id,
        channel,
        row_number() over (partition by person_id order by started_at, session_id) as session_rank
    from sessions

),

people as (

    select
        person_id,
        channel as acquisition_channel
    from first_sessions
    where session_rank = 1

),

person_steps as (

    select
        person_id,
        max(case when conversion_type = 'signed_up' then 1 else 0 end) as has_signed_up,
        max(case when conversion_type = 'lead_created' then 1 else 0 end) as has_lead,
        max(case when conversion_type = 'mql' then 1 else 0 end) as has_mql,
        max(case when conversion_type = 'opportunity_created' then 1 else 0 end) as has_opportunity,
        max(case when conversion_type = 'closed_won' then 1 else 0 end) as has_won
    from conversions
    group by person_id

),

funnel as (

    select
        people.acquisition_channel,
        count(*) as visitors,
        coalesce(sum(person_steps.has_signed_up), 0) as signups,
        coalesce(sum(person_steps.has_lead), 0) as leads,
        coalesce(sum(person_steps.has_mql), 0) as mqls,
        coalesce(sum(person_steps.has_opportunity), 0) as opportunities,
        coalesce(sum(person_steps.has_won), 0) as wins
    from people
    left join person_steps on people.person_id = person_steps.person_id
    group by people.acquisition_channel

),

final as (

    select
        acquisition_channel,
        visitors,
        signups,
        leads,
        mqls,
        opportunities,
        wins,
        1.0 * signups / nullif(visitors, 0) as visitor_to_signup_rate,
        1.0 * leads / nullif(visitors, 0) as visitor_to_lead_rate,
        1.0 * opportunities / nullif(leads, 0) as lead_to_opportunity_rate,
        1.0 * wins / nullif(opportunities, 0) as opportunity_win_rate
    from funnel

)

select
    acquisition_channel,
    visitors,
    signups,
    leads,
    mqls,
    opportunities,
    wins,
    visitor_to_signup_rate,
    visitor_to_lead_rate,
    lead_to_opportunity_rate,
    opportunity_win_rate
from final
order by visitors desc, acquisition_channel asc
