{#- One row per signup form (signed_up event): the roles the person chose (multi-select), matched to seed
    role_personas, and the persona they give, valid until the person's next signup form. -#}
{{ config(materialized='table') }}

with

signups as (

    select
        message_id,
        roles,
        event_at
    from {{ ref('stg_segment__signed_up') }}

),

events as (

    select
        message_id,
        person_id
    from {{ ref('fct_events') }}
    where event_name = 'signed_up'

),

role_personas as (

    select
        role,
        persona,
        is_technical
    from {{ ref('role_personas') }}

),

signup_people as (

    select
        signups.message_id,
        events.person_id,
        signups.roles,
        -- the form's multi-select, as a comma-delimited list without spaces around the commas
        {{ dbt.concat([
            "','",
            "replace(replace(lower(trim(coalesce(signups.roles, ''))), ', ', ','), ' ,', ',')",
            "','",
        ]) }} as roles_list,
        signups.event_at
    from signups
    inner join events on signups.message_id = events.message_id

),

matched_roles as (

    select
        signup_people.message_id,
        role_personas.role,
        role_personas.persona,
        row_number() over (
            partition by signup_people.message_id
            order by role_personas.is_technical desc, role_personas.persona asc, role_personas.role asc
        ) as persona_rank
    from signup_people
    inner join role_personas
        on signup_people.roles_list like {{ dbt.concat(["'%,'", 'lower(role_personas.role)', "',%'"]) }}

),

role_counts as (

    select
        message_id,
        count(*) as matched_role_count
    from matched_roles
    group by message_id

),

assigned as (

    select
        signup_people.message_id,
        signup_people.person_id,
        signup_people.roles,
        matched_roles.persona,
        signup_people.event_at as valid_from,
        coalesce(role_counts.matched_role_count, 0) as matched_role_count,
        -- chosen roles = commas in the list - 1; more chosen than matched: a role the seed does not know
        case
            when signup_people.roles_list = ',,' then 0
            else length(signup_people.roles_list) - length(replace(signup_people.roles_list, ',', '')) - 1
        end > coalesce(role_counts.matched_role_count, 0) as has_unmapped_role,
        lead(signup_people.event_at) over (
            partition by signup_people.person_id order by signup_people.event_at, signup_people.message_id
        ) as valid_to
    from signup_people
    left join matched_roles
        on signup_people.message_id = matched_roles.message_id and matched_roles.persona_rank = 1
    left join role_counts on signup_people.message_id = role_counts.message_id

)

select * from assigned
