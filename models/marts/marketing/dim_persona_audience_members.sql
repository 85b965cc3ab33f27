{#- Current members of the persona audiences, for the email tool: one row per audience and person in it
    now, with the email to send to. -#}

with

memberships as (

    select
        audience_key,
        person_id,
        persona,
        milestone,
        entered_at
    from {{ ref('fct_persona_audience_memberships') }}
    where is_current

),

people as (

    select
        person_id,
        primary_email
    from {{ ref('dim_people') }}

),

final as (

    select
        {{ dbt.concat(['memberships.audience_key', "'|'", 'memberships.person_id']) }} as audience_member_key,
        memberships.audience_key,
        memberships.person_id,
        memberships.persona,
        memberships.milestone,
        memberships.entered_at,
        people.primary_email as email,
        people.primary_email is not null as has_email
    from memberships
    left join people on memberships.person_id = people.person_id

)

select * from final
