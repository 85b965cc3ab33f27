{#- One row per internal person (the company's own staff: support agents and admins, internal email
    domains, product users flagged as staff), with why they count as internal and their identifiers.
    The one place to count staff on purpose; customer marts (dim_people, accounts, funnels) leave them out.
    Their events are in fct_events with is_internal = true. -#}
with

internal_people as (

    select
        person_id,
        internal_reason,
        internal_reason_count
    from {{ ref('int_people_internal') }}

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

identifier_summary as (

    select
        person_id,
        max(case when identifier_type = 'user_id' then identifier_value end) as user_id,
        min(case when identifier_type = 'email' then identifier_value end) as primary_email,
        min(case when identifier_type = 'support_user_id' then identifier_value end) as support_user_id
    from identities
    group by person_id

),

events as (

    select
        person_id,
        count(*) as event_count
    from {{ ref('fct_events') }}
    where is_internal
    group by person_id

),

final as (

    select
        internal_people.person_id,
        internal_people.internal_reason,
        internal_people.internal_reason_count,
        identifier_summary.user_id,
        identifier_summary.primary_email,
        identifier_summary.support_user_id,
        coalesce(events.event_count, 0) as event_count
    from internal_people
    left join identifier_summary on internal_people.person_id = identifier_summary.person_id
    left join events on internal_people.person_id = events.person_id

)

select * from final
