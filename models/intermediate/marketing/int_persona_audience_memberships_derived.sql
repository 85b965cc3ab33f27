{#- One row per persona audience (seed persona_audiences), person and membership period: a person is in
    the audience while their persona (from their latest signup form) is the audience's persona and once
    they have reached its journey milestone. A new signup form with another persona ends the period. -#}
{{ config(materialized='table') }}

with

personas as (

    select
        person_id,
        persona,
        valid_from,
        valid_to,
        message_id
    from {{ ref('int_signup_personas_assigned') }}

),

milestones as (

    select
        person_id,
        milestone,
        first_reached_at
    from {{ ref('int_journey_milestones_reached') }}

),

audiences as (

    select
        audience_key,
        persona,
        milestone
    from {{ ref('persona_audiences') }}

),

-- Consecutive signup forms with the same persona form one persona period (gaps and islands).
persona_changes as (

    select
        person_id,
        persona,
        valid_from,
        valid_to,
        message_id,
        case
            when
                lag(persona) over (partition by person_id order by valid_from, message_id) = persona
                then 0
            else 1
        end as is_new_period
    from personas

),

persona_islands as (

    select
        person_id,
        persona,
        valid_from,
        valid_to,
        sum(is_new_period) over (
            partition by person_id order by valid_from, message_id rows between unbounded preceding and current row
        ) as period_number
    from persona_changes

),

persona_periods as (

    select
        person_id,
        persona,
        period_number,
        min(valid_from) as period_from,
        -- the last form of the island has the island's end (NULL while current)
        max(case when valid_to is null then 1 else 0 end) as is_open,
        max(valid_to) as period_to
    from persona_islands
    where persona is not null
    group by person_id, persona, period_number

),

memberships as (

    select
        audiences.audience_key,
        persona_periods.person_id,
        audiences.persona,
        audiences.milestone,
        case
            when milestones.first_reached_at > persona_periods.period_from then milestones.first_reached_at
            else persona_periods.period_from
        end as entered_at,
        case when persona_periods.is_open = 1 then null else persona_periods.period_to end as exited_at
    from persona_periods
    inner join audiences on persona_periods.persona = audiences.persona
    inner join milestones
        on
            persona_periods.person_id = milestones.person_id
            and audiences.milestone = milestones.milestone
            and (persona_periods.is_open = 1 or persona_periods.period_to > milestones.first_reached_at)

)

select * from memberships
